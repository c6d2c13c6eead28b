import { withStrategy } from '../../controller/api/defaults.ts';
import type { Rollout } from '../../controller/api/index.ts';
import { parseRevision } from '../info/labels.ts';
import type { ReplicaSetLike } from '../info/types.ts';
import type { KubeVerbs } from '../../controller/kube/client.ts';
import { isConflict, isNotFound } from '../../controller/kube/errors.ts';
import { DEPLOYMENTS, POD_TEMPLATES, REPLICA_SETS, ROLLOUTS, type KubeObject, type ResourceType } from '../../controller/kube/resources.ts';
import {
  ABORT_PATCH,
  PAUSE_PATCH,
  promotePatches,
  RefusedError,
  restartPatch,
  resumePatch,
  RETRY_PATCH,
  templateMatches,
  undoPatch,
  withImage,
  type PromoteOptions,
  type RolloutPatches,
} from './patches.ts';

/**
 * The writes behind `promote`, `abort`, `retry`, `pause`, `resume`, `restart`, `undo` and
 * `set image`: Argo's exact requests, shared by the CLI, the dashboard server and the tests.
 * Each returns the rollout as the API server returned it after the write.
 */

export async function getRollout(client: KubeVerbs, namespace: string, name: string): Promise<Rollout> {
  return withStrategy((await client.get(ROLLOUTS, namespace, name)) as unknown as Rollout);
}

/**
 * Argo's order: the status subresource first; a 404 there means a cluster without the
 * subresource, where the unified patch carries both spec and status.
 */
async function applyPatches(client: KubeVerbs, namespace: string, name: string, patches: RolloutPatches): Promise<Rollout | undefined> {
  let spec = patches.spec;
  let result: KubeObject | undefined;
  if (patches.status !== undefined) {
    try {
      result = await client.mergePatchStatus(ROLLOUTS, namespace, name, patches.status);
    } catch (err) {
      if (!isNotFound(err) || patches.unified === undefined) throw err;
      spec = patches.unified;
    }
  }
  if (spec !== undefined) result = await client.mergePatch(ROLLOUTS, namespace, name, spec);
  return result as Rollout | undefined;
}

/** Status-only writes (abort, retry) with Argo's fallback to the main resource. */
async function patchStatus(client: KubeVerbs, namespace: string, name: string, patch: Record<string, unknown>): Promise<Rollout> {
  return (await applyPatches(client, namespace, name, { status: patch, unified: patch })) as Rollout;
}

export async function promoteRollout(client: KubeVerbs, namespace: string, name: string, opts: PromoteOptions = {}): Promise<Rollout> {
  const ro = await getRollout(client, namespace, name);
  return (await applyPatches(client, namespace, name, promotePatches(ro, opts))) ?? ro;
}

export function abortRollout(client: KubeVerbs, namespace: string, name: string): Promise<Rollout> {
  return patchStatus(client, namespace, name, ABORT_PATCH);
}

export function retryRollout(client: KubeVerbs, namespace: string, name: string): Promise<Rollout> {
  return patchStatus(client, namespace, name, RETRY_PATCH);
}

export async function pauseRollout(client: KubeVerbs, namespace: string, name: string): Promise<Rollout> {
  return (await client.mergePatch(ROLLOUTS, namespace, name, PAUSE_PATCH)) as unknown as Rollout;
}

export async function resumeRollout(client: KubeVerbs, namespace: string, name: string): Promise<Rollout> {
  const ro = await getRollout(client, namespace, name);
  return (await client.mergePatch(ROLLOUTS, namespace, name, resumePatch(ro))) as unknown as Rollout;
}

/** Sets spec.restartAt to `at` (now by default): the controller restarts pods created before it. */
export async function restartRollout(client: KubeVerbs, namespace: string, name: string, at: Date = new Date()): Promise<Rollout> {
  return (await client.mergePatch(ROLLOUTS, namespace, name, restartPatch(at))) as unknown as Rollout;
}

function selectorString(matchLabels: Record<string, string> | undefined): string {
  return Object.entries(matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The ReplicaSets the rollout controls, as Argo's undo lists them. */
export async function ownedReplicaSets(client: KubeVerbs, ro: Rollout): Promise<ReplicaSetLike[]> {
  const selector = selectorString(ro.spec.selector?.matchLabels);
  const { items: all } = await client.listAll<KubeObject>(REPLICA_SETS, { namespace: ro.metadata.namespace, ...(selector ? { labelSelector: selector } : {}) }) as unknown as { items: ReplicaSetLike[] };
  return all.filter((rs) => rs.metadata.ownerReferences?.some((ref) => ref.controller === true && ref.uid === ro.metadata.uid));
}

/**
 * Argo's rolloutRevision: `toRevision`'s ReplicaSet, or with 0 the second newest one, i.e. the
 * revision before the current.
 */
export function revisionToRestore(ro: Rollout, replicaSets: readonly ReplicaSetLike[], toRevision: number): ReplicaSetLike {
  const name = ro.metadata.name ?? '';
  if (toRevision > 0) {
    const match = replicaSets.find((rs) => parseRevision(rs.metadata.annotations) === toRevision);
    if (match === undefined) {
      const known = [...new Set(replicaSets.map((rs) => parseRevision(rs.metadata.annotations)))].sort((a, b) => a - b);
      throw new RefusedError(`unable to find specified revision ${toRevision} in history of rollout "${name}" (known revisions: ${known.join(', ') || 'none'})`);
    }
    return match;
  }
  const sorted = [...replicaSets].sort((a, b) => parseRevision(b.metadata.annotations) - parseRevision(a.metadata.annotations));
  const previous = sorted[1];
  if (previous === undefined) throw new RefusedError(`no revision found for rollout "${name}": it has no earlier ReplicaSet to go back to`);
  return previous;
}

export interface UndoResult {
  skipped: boolean;
  revision: number;
  message: string;
}

const WORKLOAD_KINDS: Record<string, ResourceType> = { Deployment: DEPLOYMENTS, ReplicaSet: REPLICA_SETS, PodTemplate: POD_TEMPLATES };

/**
 * Argo's undo: copies a previous ReplicaSet's pod template back into the rollout (or into the
 * workload it references) with a JSON patch; nothing when the template already matches.
 */
export async function undoRollout(client: KubeVerbs, namespace: string, name: string, toRevision = 0): Promise<UndoResult> {
  const ro = await getRollout(client, namespace, name);
  const target = revisionToRestore(ro, await ownedReplicaSets(client, ro), toRevision);
  const revision = parseRevision(target.metadata.annotations);
  const template = target.spec?.template ?? {};
  if (ro.spec.workloadRef === undefined && templateMatches(ro.spec.template, template)) {
    return { skipped: true, revision, message: `skipped rollback (current template already matches revision ${revision})` };
  }
  const patch = undoPatch(template);
  const ref = ro.spec.workloadRef;
  if (ref !== undefined) {
    const resource = WORKLOAD_KINDS[ref.kind ?? ''];
    if (resource === undefined) throw new RefusedError(`workload of type ${ref.kind ?? '(none)'} is not supported`);
    await client.jsonPatch(resource, namespace, ref.name ?? '', patch);
  } else {
    await client.jsonPatch(ROLLOUTS, namespace, name, patch);
  }
  return { skipped: false, revision, message: `rollout '${name}' undo` };
}

export interface SetImageResult {
  kind: string;
  name: string;
}

const SET_IMAGE_ATTEMPTS = 5;

/**
 * Argo's set image: read, change the container's image, write back with the read
 * resourceVersion; retried on conflict. A workloadRef rollout gets its Deployment updated.
 */
export async function setImage(client: KubeVerbs, namespace: string, name: string, container: string, image: string): Promise<SetImageResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const ro = await getRollout(client, namespace, name);
      const ref = ro.spec.workloadRef;
      if (ref !== undefined) {
        const deployName = ref.name ?? '';
        const deploy = await client.get(DEPLOYMENTS, namespace, deployName);
        const updated = await client.replace(DEPLOYMENTS, withImage(deploy, container, image));
        return { kind: 'Deployment', name: updated.metadata?.name ?? deployName };
      }
      const updated = await client.replace(ROLLOUTS, withImage(ro as unknown as KubeObject, container, image));
      return { kind: 'Rollout', name: updated.metadata?.name ?? name };
    } catch (err) {
      if (!isConflict(err) || attempt >= SET_IMAGE_ATTEMPTS) throw err;
    }
  }
}

