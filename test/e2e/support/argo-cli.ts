import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeClient } from '../../../controller/kube/client.ts';
import { EXPERIMENTS, type KubeObject } from '../../../controller/kube/resources.ts';
import { isAlreadyExists } from '../../../controller/traffic/router.ts';
import { ensureArgoRollouts } from '../../cluster/cluster.ts';
import { versions } from '../../cluster/layout.ts';
import { CRDS } from './canary.ts';
import { runProcess, type CliResult } from './cli.ts';
import { eventually, kubeconfigPath } from './cluster.ts';

/**
 * Argo Rollouts' own `kubectl-argo-rollouts` (built from the Go module proxy at the pinned
 * version), run as kubectl runs a plugin, against one namespace of the local control plane.
 */
export class ArgoCli {
  private constructor(
    readonly binary: string,
    readonly namespace: string,
    readonly kubeconfig: string,
  ) {}

  /** Builds the plugin first when the cache is cold. */
  static forNamespace(namespace: string, kubeconfig = kubeconfigPath()): ArgoCli {
    return new ArgoCli(join(ensureArgoRollouts(), 'kubectl-argo-rollouts'), namespace, kubeconfig);
  }

  /** `kubectl argo rollouts ARGS --kubeconfig … -n …`: what it printed and its exit code. */
  run(args: readonly string[], timeoutMs?: number): Promise<CliResult> {
    return runProcess(this.binary, [...args, `--kubeconfig=${this.kubeconfig}`, '-n', this.namespace], timeoutMs);
  }

  /** Like `run`, but fails (showing both streams) unless the command exits 0; returns stdout. */
  async ok(args: readonly string[]): Promise<string> {
    const result = await this.run(args);
    if (result.code !== 0) {
      throw new Error(`kubectl argo rollouts ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    }
    return result.stdout;
  }
}

/** One ReplicaSet line of `get rollout`'s tree: its name, health and the roles it plays. */
export interface TreeReplicaSet {
  name: string;
  status: string;
  /** "stable", "active", "preview", "canary", "delay:…", as printed after the age. */
  info: string[];
}

/** One `# revision:N` group of `get rollout`'s tree with the ReplicaSets printed under it. */
export interface TreeRevision {
  revision: number;
  replicaSets: TreeReplicaSet[];
}

/**
 * The revisions and ReplicaSets of `get rollout`'s tree, read loosely: the tree glyphs, ages and
 * pod lines are skipped, so a change of column widths does not matter.
 */
export function treeRevisions(text: string): TreeRevision[] {
  const revisions: TreeRevision[] = [];
  for (const line of text.split('\n')) {
    const revision = /#\s*revision:(\d+)/.exec(line);
    if (revision) {
      revisions.push({ revision: Number(revision[1]), replicaSets: [] });
      continue;
    }
    const rs = /⧉\s+(\S+)\s+ReplicaSet\s+(\S+\s+\S+)\s+\S+\s*(.*)$/.exec(line);
    if (rs && revisions.length > 0) {
      const info = (rs[3] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
      revisions.at(-1)!.replicaSets.push({ name: rs[1]!, status: rs[2]!.trim(), info });
    }
  }
  return revisions;
}

const ARGO_ROLLOUTS_MODULE = 'github.com/argoproj/argo-rollouts';

/** The directory of Argo Rollouts' module source in the Go module cache, downloaded if needed. */
function argoRolloutsModuleDir(): string {
  // The module's go directive asks for a newer Go patch release than the machine may have;
  // `auto` lets the go command fetch that toolchain from the proxy, as test/cluster/build.sh does.
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'auto' };
  const out = execFileSync('go', ['mod', 'download', '-json', `${ARGO_ROLLOUTS_MODULE}@${versions.argoRollouts}`], { encoding: 'utf8', env, cwd: '/', stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = (JSON.parse(out) as { Dir?: string }).Dir;
  if (!dir || !existsSync(dir)) throw new Error(`go mod download gave no source directory for ${ARGO_ROLLOUTS_MODULE}@${versions.argoRollouts}`);
  return dir;
}

/**
 * Installs Argo's Experiment CRD, read from Argo's module, and waits until it is served; resolves
 * to whether it was created here, so the caller removes only what it added. Argo's plugin waits
 * for an Experiment informer to sync before `get rollout` and `status` print anything, so without
 * this CRD (Ramp ships none) both hang; a cluster moved from Argo keeps Argo's.
 */
export async function installExperimentCrd(c: KubeClient): Promise<boolean> {
  const crd = parse(readFileSync(join(argoRolloutsModuleDir(), 'manifests', 'crds', 'experiment-crd.yaml'), 'utf8')) as KubeObject;
  let created = true;
  await c.create(CRDS, crd).catch((err: unknown) => {
    if (!isAlreadyExists(err)) throw err;
    created = false;
  });
  await eventually('the Experiment CRD is served', async () => {
    await c.list(EXPERIMENTS, { namespace: 'default', limit: 1 });
    return true;
  }, 30_000, 250);
  return created;
}

export async function removeExperimentCrd(c: KubeClient): Promise<void> {
  await c.delete(CRDS, undefined, 'experiments.argoproj.io').catch(() => undefined);
}
