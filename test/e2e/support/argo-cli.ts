import { join } from 'node:path';
import { ensureArgoRollouts } from '../../cluster/cluster.ts';
import { runProcess, type CliResult } from './cli.ts';
import { kubeconfigPath } from '../../support/cluster.ts';

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
