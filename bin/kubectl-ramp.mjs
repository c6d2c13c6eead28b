#!/usr/bin/env node
// kubectl plugin entry point: `kubectl ramp …` runs this file. The CLI is TypeScript run through
// tsx, registered here so the plugin needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runKubectlRamp } = await import('../controller/cli/main.ts');
// The CLI and the dashboard do not import each other; the dashboard server is loaded only when
// `kubectl ramp dashboard` runs, so the other verbs start fast.
await runKubectlRamp({
  serveDashboard: async (launch) => (await import('../dashboard/server/start.ts')).serveDashboard(launch),
});
