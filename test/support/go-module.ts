import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The source directory of a Go module at a version, downloaded through the Go module proxy into
 * the module cache on first use (outside the repository; nothing of it is copied here).
 * GOTOOLCHAIN=auto: a module may ask for a newer Go patch release than the machine has, and
 * `go mod download` gives no directory under GOTOOLCHAIN=local then; the go command fetches that
 * toolchain from the module proxy instead, as test/cluster/build.sh does for Argo's build.
 */
const dirs = new Map<string, string>();

export function goModuleDir(module: string, version: string): string {
  const key = `${module}@${version}`;
  const known = dirs.get(key);
  if (known) return known;
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'auto' };
  const out = execFileSync('go', ['mod', 'download', '-json', key], { encoding: 'utf8', env, cwd: '/', stdio: ['ignore', 'pipe', 'inherit'] });
  const answer = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!answer.Dir || !existsSync(answer.Dir)) throw new Error(`go mod download gave no source directory for ${key}${answer.Error ? `: ${answer.Error}` : ''}`);
  dirs.set(key, answer.Dir);
  return answer.Dir;
}
