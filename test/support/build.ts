import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../cluster/layout.ts';

let built = false;

/**
 * Builds dist/ when its sources changed (scripts/build.mjs, skipped when current), once per
 * process: the test runner builds at the start of a run, this covers a test file run on its own.
 */
export function ensureBuilt(): void {
  if (built) return;
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts/build.mjs'), '--quiet'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building dist/ failed (node scripts/build.mjs):\n${result.stderr}`);
  built = true;
}
