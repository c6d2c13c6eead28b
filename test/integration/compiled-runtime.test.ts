import { isBuiltin } from 'node:module';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { repoRoot } from '../cluster/layout.ts';
import { ensureBuilt } from '../support/build.ts';

/**
 * The compiled runtime in dist/ (scripts/build.mjs), run as the image runs it: the CLI finds the
 * package from dist/, the controller starts without tsx, and what they import when they start is
 * in package.json's production dependencies, the only ones the image installs.
 */
const node = (...args: string[]) => spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, KUBECONFIG: '' } });

/** The bare module names a file imports statically, following its relative imports (the shared chunks). */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  const bare = new Set<string>();
  if (seen.has(file)) return bare;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gm)) {
    const spec = (m[1] ?? m[2])!;
    if (spec.startsWith('.')) for (const b of staticImports(join(dirname(file), spec), seen)) bare.add(b);
    else if (!spec.startsWith('node:')) bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return bare;
}

describe('the compiled runtime (dist/)', () => {
  before(() => ensureBuilt());

  it('kubectl-ramp runs from dist/ and reads the version from the package root', () => {
    const result = node('bin/kubectl-ramp.mjs', 'version', '--short');
    assert.equal(result.status, 0, result.stderr);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(result.stdout, `kubectl-ramp: v${pkg.version}\n`);
  });

  it('the controller runs as plain JavaScript: --help without any loader', () => {
    const result = node('dist/controller.js', '--help');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /--leader-elect/);
  });

  it('the controller, the CLI and the dashboard server load only production dependencies at start', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const entry of ['controller.js', 'cli.js', 'dashboard.js']) {
      const imports = staticImports(join(repoRoot, 'dist', entry));
      assert.ok(imports.size > 0, `${entry}: the import scan found no bare import at all`);
      // client-node is bundled, so only what Ramp uses of it is loaded (scripts/build.mjs).
      assert.ok(!imports.has('@kubernetes/client-node'), `${entry} imports @kubernetes/client-node instead of bundling it`);
      // The bundled client keeps its own dependencies external; production installs them with it.
      const clientPkg = JSON.parse(readFileSync(join(repoRoot, 'node_modules/@kubernetes/client-node/package.json'), 'utf8')) as { dependencies: Record<string, string> };
      const installed = { ...pkg.dependencies, ...clientPkg.dependencies };
      const notProduction = [...imports].filter((name) => !(name in installed) && !isBuiltin(name));
      assert.deepEqual(notProduction, [], `${entry} imports ${notProduction.join(', ')}, which the image does not install`);
    }
  });
});
