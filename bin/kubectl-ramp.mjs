#!/usr/bin/env node
// kubectl plugin entry point: `kubectl ramp …` runs this file. The CLI runs compiled, from dist/
// (`npm run build`); no TypeScript is compiled at run time.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(`kubectl-ramp: ${cli.pathname} is missing: run \`npm run build\` in ${new URL('..', import.meta.url).pathname}\n`);
  process.exit(1);
}
const { runKubectlRamp } = await import(cli.href);
// The CLI and the dashboard do not import each other; the dashboard server is loaded only when
// `kubectl ramp dashboard` runs, so the other verbs start fast.
await runKubectlRamp({
  serveDashboard: async (launch) => (await import('../dist/dashboard.js')).serveDashboard(launch),
});
