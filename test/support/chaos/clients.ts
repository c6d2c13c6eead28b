/**
 * The chaos run's users: several clients, each with its own connection to the apiserver (never
 * through the fault proxy), sending image changes, promotes, aborts and retries through the same
 * write actions kubectl-ramp uses, each chosen from the Rollout's state as its checker sees it.
 */
import { abortRollout, getRollout, promoteRollout, retryRollout } from '../../../client/actions/rollout-actions.ts';
import { withImage } from '../../../client/actions/patches.ts';
import { KubeClient } from '../../../controller/kube/client.ts';
import { ROLLOUTS, type KubeObject } from '../../../controller/kube/resources.ts';
import { loadKubeConfig } from '../cluster.ts';
import type { CommandKind, RolloutView, SentCommand } from './invariants.ts';
import { IMAGE, type WorkloadKind } from './workload.ts';

/**
 * What a user would do next to a Rollout in this state, or nothing: promote what waits on a pause,
 * retry or move past an abort, abort some updates, ship a new image once healthy. A Rollout whose
 * analysis is meant to fail is never promoted, so the checker can tell that nothing passed it.
 */
export function chooseCommand(kind: WorkloadKind, view: RolloutView, random: () => number): CommandKind | undefined {
  const s = view.status;
  if (s.observedGeneration === undefined || Number(s.observedGeneration) < view.generation) return undefined;
  if (s.controllerPause === true && (s.pauseConditions ?? []).length === 0) return undefined;
  if (s.abort === true && !s.abortedAt) return undefined;
  if (s.abort !== true && s.abortedAt) return undefined;
  const r = random();
  const promotable = kind !== 'analysis-fail';
  if (s.abort === true) return r < 0.5 ? 'retry' : 'image';
  if ((s.pauseConditions ?? []).length > 0) {
    if (!promotable) return r < 0.5 ? 'abort' : 'image';
    if (r < 0.7) return 'promote';
    if (r < 0.85) return 'abort';
    if (r < 0.9 && kind !== 'analysis-pass') return 'promote-full';
    return 'image';
  }
  if (s.phase === 'Healthy' && s.stableRS === s.currentPodHash) return 'image';
  if (r < 0.1) return 'abort';
  return r < 0.15 ? 'image' : undefined;
}

/** The image version a Rollout runs now, from its template. */
function imageVersion(rollout: KubeObject): number {
  const spec = (rollout as { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } }).spec;
  return Number(/:v(\d+)$/.exec(spec?.template?.spec?.containers?.[0]?.image ?? '')?.[1] ?? 1);
}

export interface CommandOutcome {
  command?: SentCommand;
  /** The revision a promote let through. */
  promotedHash?: string;
  /** Why the write did not go (a conflict with another client, a refusal). */
  failed?: string;
}

/** One user's connection. */
export class ChaosClient {
  private readonly client = new KubeClient(loadKubeConfig());

  constructor(private readonly namespace: string) {}

  async send(name: string, kind: CommandKind, view: RolloutView): Promise<CommandOutcome> {
    const ns = this.namespace;
    const key = `${ns}/${name}`;
    try {
      let written: { metadata?: { generation?: number } } | undefined;
      switch (kind) {
        case 'image': {
          const ro = (await getRollout(this.client, ns, name)) as unknown as KubeObject;
          written = (await this.client.replace(ROLLOUTS, withImage(ro, 'app', IMAGE(imageVersion(ro) + 1)))) as typeof written;
          break;
        }
        case 'promote':
          written = await promoteRollout(this.client, ns, name);
          break;
        case 'promote-full':
          written = await promoteRollout(this.client, ns, name, { full: true });
          break;
        case 'abort':
          written = await abortRollout(this.client, ns, name);
          break;
        case 'retry':
          written = await retryRollout(this.client, ns, name);
          break;
      }
      const command: SentCommand = { rollout: key, kind, sentAt: Date.now(), generation: written?.metadata?.generation ?? view.generation };
      const promotes = kind === 'promote' || kind === 'promote-full';
      return { command, ...(promotes && view.status.currentPodHash ? { promotedHash: view.status.currentPodHash } : {}) };
    } catch (err) {
      return { failed: err instanceof Error ? err.message.split('\n')[0] : String(err) };
    }
  }

  close(): void {
    this.client.close();
  }
}
