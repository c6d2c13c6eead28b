import type { Rollout } from '../../controller/api/index.ts';
import { EXPERIMENT_TEMPLATE_NAME_ANNOTATION } from '../../controller/api/labels.ts';
import { replicaSetIcon } from './icons.ts';
import { ownerUid, parseRevision, POD_TEMPLATE_HASH_LABEL, SCALE_DOWN_DEADLINE_ANNOTATION } from './labels.ts';
import { comparePods, newPodInfo } from './pod-info.ts';
import type { PodLike, ReplicaSetInfo, ReplicaSetLike } from './types.ts';

/** Argo's getReplicaSetHealth. */
export function replicaSetHealth(rs: ReplicaSetLike): string {
  const generation = rs.metadata.generation ?? 0;
  const observed = rs.status?.observedGeneration ?? 0;
  const desired = rs.spec?.replicas;
  if (generation > observed) return 'Progressing';
  const failure = rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  if (failure?.status === 'True') return 'ReplicaFailure';
  if (desired !== undefined && (rs.status?.availableReplicas ?? 0) < desired) return 'Progressing';
  if (desired === 0) return 'ScaledDown';
  return 'Healthy';
}

/** Whether the stable ReplicaSet is the "ping" one in a ping-pong canary. */
function stableIsPing(ro: Rollout): boolean {
  return ro.status?.canary?.stablePingPong === 'ping';
}

/**
 * Argo's GetReplicaSetInfo: the ReplicaSets owned by the rollout, tagged stable, canary, active,
 * preview, ping or pong, with their pods; newest revision first.
 */
export function replicaSetInfos(ro: Rollout, replicaSets: readonly ReplicaSetLike[], pods: readonly PodLike[]): ReplicaSetInfo[] {
  const status = ro.status ?? {};
  const pingPong = ro.spec.strategy.canary?.pingPong !== undefined;
  return replicaSetInfosOwnedBy(ro.metadata.uid ?? '', replicaSets, pods, (info) => {
    const h = info.podTemplateHash ?? '';
    if (ro.spec.strategy.canary !== undefined) {
      if (status.stableRS === h) {
        info.stable = true;
        if (pingPong) {
          info.ping = stableIsPing(ro);
          info.pong = !stableIsPing(ro);
        }
      } else if (status.currentPodHash === h) {
        info.canary = true;
        if (pingPong) {
          info.ping = !stableIsPing(ro);
          info.pong = stableIsPing(ro);
        }
      }
    }
    if (ro.spec.strategy.blueGreen !== undefined) {
      if (status.stableRS === h) info.stable = true;
      if (status.blueGreen?.activeSelector === h) info.active = true;
      else if (status.blueGreen?.previewSelector === h) info.preview = true;
    }
  });
}

/**
 * The ReplicaSets an object (a Rollout or an Experiment) owns, with their pods, newest revision
 * first; `tag` marks each one's role. An Experiment's carry their template's name.
 */
export function replicaSetInfosOwnedBy(uid: string, replicaSets: readonly ReplicaSetLike[], pods: readonly PodLike[], tag: (info: ReplicaSetInfo) => void = () => {}): ReplicaSetInfo[] {
  const owner = new Set([uid]);
  const infos: ReplicaSetInfo[] = [];
  for (const rs of replicaSets) {
    if (ownerUid(rs.metadata.ownerReferences, owner) === undefined) continue;
    const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
    const info: ReplicaSetInfo = {
      name: rs.metadata.name ?? '',
      namespace: rs.metadata.namespace ?? '',
      uid: rs.metadata.uid ?? '',
      revision: parseRevision(rs.metadata.annotations),
      status: replicaSetHealth(rs),
      icon: '',
      desired: rs.spec?.replicas ?? 0,
      replicas: rs.status?.replicas ?? 0,
      ready: rs.status?.readyReplicas ?? 0,
      available: rs.status?.availableReplicas ?? 0,
      images: (rs.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
      stable: false,
      canary: false,
      active: false,
      preview: false,
      ping: false,
      pong: false,
      scaleDownDeadline: rs.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] ?? '',
      pods: [],
    };
    info.icon = replicaSetIcon(info.status);
    if (rs.metadata.creationTimestamp !== undefined) info.creationTimestamp = rs.metadata.creationTimestamp;
    if (hash !== undefined) info.podTemplateHash = hash;
    const template = rs.metadata.annotations?.[EXPERIMENT_TEMPLATE_NAME_ANNOTATION];
    if (template !== undefined) info.template = template;
    tag(info);
    infos.push(info);
  }
  infos.sort((a, b) => {
    if (a.revision !== b.revision) return b.revision - a.revision;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  attachPods(infos, pods);
  return infos;
}

function attachPods(infos: ReplicaSetInfo[], pods: readonly PodLike[]): void {
  const byUid = new Map(infos.map((info) => [info.uid, info]));
  const uids = new Set(byUid.keys());
  for (const pod of pods) {
    const uid = ownerUid(pod.metadata.ownerReferences, uids);
    if (uid === undefined) continue;
    byUid.get(uid)?.pods.push(newPodInfo(pod));
  }
  for (const info of infos) info.pods.sort(comparePods);
}
