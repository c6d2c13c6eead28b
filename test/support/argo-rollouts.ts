import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { versions } from '../cluster/layout.ts';
import { goModuleDir } from './go-module.ts';

/**
 * Argo Rollouts' own module source (github.com/argoproj/argo-rollouts, downloaded through the Go
 * module proxy into the module cache, never copied into this repository): its CRDs are what
 * Ramp's are held to.
 */

/** The directory of Argo Rollouts' module source, downloaded on first use. */
export function argoRolloutsModuleDir(): string {
  return goModuleDir('github.com/argoproj/argo-rollouts', versions.argoRollouts);
}

/** One of Argo's CRD manifests (`rollout-crd.yaml`, `analysis-run-crd.yaml`, …), parsed. */
export function argoCrd(file: string): Record<string, unknown> {
  return parse(readFileSync(join(argoRolloutsModuleDir(), 'manifests', 'crds', file), 'utf8')) as Record<string, unknown>;
}
