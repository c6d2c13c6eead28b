import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { versions } from '../cluster/layout.ts';

/**
 * Argo Rollouts' own module source (github.com/argoproj/argo-rollouts, downloaded through the Go
 * module proxy into the module cache, never copied into this repository): its CRDs are what
 * Ramp's are held to.
 */

const ARGO_ROLLOUTS_MODULE = 'github.com/argoproj/argo-rollouts';

let moduleDir: string | undefined;

/** The directory of Argo Rollouts' module source, downloaded on first use. */
export function argoRolloutsModuleDir(): string {
  if (moduleDir) return moduleDir;
  // GOTOOLCHAIN=auto: the module asks for a newer Go patch release than the machine may have, and
  // `go mod download` refuses to give its directory under GOTOOLCHAIN=local then.
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'auto' };
  const out = execFileSync('go', ['mod', 'download', '-json', `${ARGO_ROLLOUTS_MODULE}@${versions.argoRollouts}`], {
    encoding: 'utf8',
    env,
    cwd: '/',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const answer = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!answer.Dir || !existsSync(answer.Dir)) {
    throw new Error(`go mod download gave no source directory for ${ARGO_ROLLOUTS_MODULE}@${versions.argoRollouts}${answer.Error ? `: ${answer.Error}` : ''}`);
  }
  moduleDir = answer.Dir;
  return moduleDir;
}

/** One of Argo's CRD manifests (`rollout-crd.yaml`, `analysis-run-crd.yaml`, …), parsed. */
export function argoCrd(file: string): Record<string, unknown> {
  return parse(readFileSync(join(argoRolloutsModuleDir(), 'manifests', 'crds', file), 'utf8')) as Record<string, unknown>;
}
