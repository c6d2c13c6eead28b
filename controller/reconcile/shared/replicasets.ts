import type { V1Affinity, V1LabelSelector, V1Pod, V1PodAffinityTerm, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { resolveIntOrPercent } from '../../api/index.ts';
import type { AntiAffinity, IntOrString, PodTemplateMetadata, Rollout } from '../../api/index.ts';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash, templatesEqualIgnoringHash } from './hash.ts';
import { REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, EPHEMERAL_METADATA_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION, LAST_APPLIED_CONFIG_ANNOTATION, WORKLOAD_GENERATION_ANNOTATION } from '../../api/labels.ts';
export { REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, EPHEMERAL_METADATA_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION, LAST_APPLIED_CONFIG_ANNOTATION };

/**
 * The ReplicaSets of a Rollout: which one is new, which is stable, their revisions, how a new one
 * is rendered, which old ones may be deleted, and the fenceposts (maxSurge / maxUnavailable) that
 * bound scaling. Mirrors Argo Rollouts' utils/replicaset and utils/annotations.
 */


export const DEFAULT_REPLICAS = 1;
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
export const DEFAULT_MAX_SURGE = '25%';
export const DEFAULT_MAX_UNAVAILABLE = '25%';
/** How often a restart in progress is looked at again while pods are still being replaced. */
export const RESTART_POD_CHECK_MS = 30_000;

/** Rollout annotations that are not copied onto its ReplicaSets. */
const ANNOTATIONS_NOT_COPIED = new Set([
  LAST_APPLIED_CONFIG_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  WORKLOAD_GENERATION_ANNOTATION,
]);

// ---------------------------------------------------------------------------------------------
// Times

/** Milliseconds since the epoch of a metav1.Time, whether the client gave a Date or a string. */
export function toMillis(time: Date | string | undefined | null): number | undefined {
  if (time === undefined || time === null) return undefined;
  const ms = time instanceof Date ? time.getTime() : Date.parse(time);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A metav1.Time as the API server and Argo write it: RFC 3339, UTC, whole seconds. */
export function formatTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------
// Identity

export function podHashOf(rs: V1ReplicaSet | undefined): string {
  return rs?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
}

function nameOf(rs: V1ReplicaSet | undefined): string {
  return rs?.metadata?.name ?? '';
}

/** controller.ReplicaSetsByCreationTimestamp: oldest first, name breaking ties. */
export function byCreationTimestamp(a: V1ReplicaSet, b: V1ReplicaSet): number {
  const ta = toMillis(a.metadata?.creationTimestamp) ?? 0;
  const tb = toMillis(b.metadata?.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  return nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0;
}

/**
 * Argo's FindNewReplicaSet: the ReplicaSet labelled with the template's hash, or else the oldest
 * one whose template equals the Rollout's once the hash label, the canary/stable metadata injected
 * by the controller and the injected anti-affinity rule are left aside. The second search is what
 * adopts ReplicaSets created by Argo Rollouts, whose hashes come from a different encoding.
 */
export function findNewReplicaSet(rollout: Rollout, rss: readonly V1ReplicaSet[]): V1ReplicaSet | undefined {
  const sorted = [...rss].sort(byCreationTimestamp);
  const hash = podTemplateHash(rollout.spec.template, rollout.status?.collisionCount);
  const byHash = sorted.find((rs) => podHashOf(rs) === hash);
  if (byHash) return byHash;
  return sorted.find((rs) => {
    const live = syncReplicaSetEphemeralMetadata(rs, undefined).replicaSet.spec?.template ?? {};
    const comparable: V1PodTemplateSpec = {
      ...live,
      spec: live.spec ? { ...live.spec, affinity: removeInjectedAntiAffinityRule(live.spec.affinity, rollout) } : live.spec,
    };
    return templatesEqualIgnoringHash(comparable, rollout.spec.template);
  });
}

/** Argo's GetStableRS: the ReplicaSet whose hash is status.stableRS, preferring the new one. */
export function findStableReplicaSet(
  rollout: Rollout,
  rss: readonly V1ReplicaSet[],
  newRS?: V1ReplicaSet,
): V1ReplicaSet | undefined {
  const stableHash = rollout.status?.stableRS ?? '';
  if (stableHash === '') return undefined;
  if (newRS && podHashOf(newRS) === stableHash) return newRS;
  return rss.find((rs) => podHashOf(rs) === stableHash);
}

/** Argo's GetOtherRSs: neither the new nor the stable ReplicaSet (compared by name). */
export function otherReplicaSets(
  rss: readonly V1ReplicaSet[],
  newRS: V1ReplicaSet | undefined,
  stableRS: V1ReplicaSet | undefined,
): V1ReplicaSet[] {
  return rss.filter((rs) => !(stableRS && nameOf(rs) === nameOf(stableRS)) && !(newRS && nameOf(rs) === nameOf(newRS)));
}

/** Argo's FindOldReplicaSets: every ReplicaSet but the new one (compared by UID). */
export function olderReplicaSets(rss: readonly V1ReplicaSet[], newRS: V1ReplicaSet | undefined): V1ReplicaSet[] {
  return rss.filter((rs) => !(newRS && rs.metadata?.uid === newRS.metadata?.uid));
}

/** Argo's GetReplicaSetByTemplateHash; an empty hash matches nothing. */
export function replicaSetByHash(rss: readonly V1ReplicaSet[], hash: string | undefined): V1ReplicaSet | undefined {
  if (!hash) return undefined;
  return rss.find((rs) => podHashOf(rs) === hash);
}

// ---------------------------------------------------------------------------------------------
// Revisions

/**
 * The `rollout.argoproj.io/revision` annotation: 0 when absent (as Argo), undefined when it is not
 * an integer (Argo skips such ReplicaSets when looking for the highest revision).
 */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } } | undefined): number | undefined {
  const value = obj?.metadata?.annotations?.[REVISION_ANNOTATION];
  if (value === undefined) return 0;
  return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

export function maxRevision(rss: readonly V1ReplicaSet[]): number {
  let max = 0;
  for (const rs of rss) {
    const revision = revisionOf(rs);
    if (revision !== undefined && revision > max) max = revision;
  }
  return max;
}

/** The revision a new ReplicaSet gets: one more than the highest among the others. */
export function nextRevision(rss: readonly V1ReplicaSet[], newRS?: V1ReplicaSet): number {
  return maxRevision(olderReplicaSets(rss, newRS)) + 1;
}

/** Argo's ReplicaSetsByRevisionNumber: oldest revision first, creation time breaking ties. */
export function byRevision(a: V1ReplicaSet, b: V1ReplicaSet): number {
  const ra = strictRevision(a);
  const rb = strictRevision(b);
  if (ra === undefined && rb === undefined) return byCreationTimestamp(a, b);
  if (ra === undefined) return 1;
  if (rb === undefined) return -1;
  return ra === rb ? byCreationTimestamp(a, b) : ra - rb;
}

function strictRevision(rs: V1ReplicaSet): number | undefined {
  const value = rs.metadata?.annotations?.[REVISION_ANNOTATION];
  return value !== undefined && /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

function copyRolloutAnnotations(rollout: Rollout, annotations: Record<string, string>): boolean {
  let changed = false;
  for (const [key, value] of Object.entries(rollout.metadata.annotations ?? {})) {
    if (ANNOTATIONS_NOT_COPIED.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  return changed;
}

/**
 * Argo's SetNewReplicaSetAnnotations: copies the Rollout's annotations, raises the revision to
 * `newRevision` when it is lower (remembering the previous one in revision-history, which is what
 * a rollback to an older ReplicaSet looks like) and, for a ReplicaSet about to be created, records
 * the desired replicas.
 */
export function newReplicaSetAnnotations(
  rollout: Rollout,
  rs: V1ReplicaSet,
  newRevision: number,
  exists: boolean,
): { annotations: Record<string, string>; changed: boolean } {
  const annotations: Record<string, string> = { ...rs.metadata?.annotations };
  let changed = copyRolloutAnnotations(rollout, annotations);
  const oldRevision = rs.metadata?.annotations?.[REVISION_ANNOTATION];
  let oldRevisionNumber = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    if (!/^[+-]?\d+$/.test(oldRevision)) return { annotations, changed: false };
    oldRevisionNumber = Number(oldRevision);
  }
  if (oldRevisionNumber < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
  }
  if (oldRevision !== undefined && changed) {
    const history = annotations[REVISION_HISTORY_ANNOTATION] ?? '';
    annotations[REVISION_HISTORY_ANNOTATION] = history === '' || history.startsWith(',') ? oldRevision : `${history},${oldRevision}`;
  }
  if (!exists && annotations[DESIRED_REPLICAS_ANNOTATION] !== String(specReplicas(rollout))) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(specReplicas(rollout));
    changed = true;
  }
  return { annotations, changed };
}

/**
 * Argo's syncReplicaSetRevision: the new ReplicaSet as it should be once its revision, copied
 * annotations, minReadySeconds and injected anti-affinity are brought up to date; undefined when
 * nothing needs to change.
 */
export function syncedNewReplicaSet(rollout: Rollout, newRS: V1ReplicaSet, olderRSs: readonly V1ReplicaSet[]): V1ReplicaSet | undefined {
  const { annotations, changed } = newReplicaSetAnnotations(rollout, newRS, maxRevision(olderRSs) + 1, true);
  const minReadySeconds = rollout.spec.minReadySeconds ?? 0;
  const minReadyChanged = (newRS.spec?.minReadySeconds ?? 0) !== minReadySeconds;
  // The ReplicaSet's own label, not a recomputed hash: an adopted ReplicaSet keeps the hash its
  // creator gave it, and comparing against ours would inject an anti-affinity rule against itself.
  const currentHash = podHashOf(newRS) || podTemplateHash(rollout.spec.template, rollout.status?.collisionCount);
  const affinityChanged = injectedAntiAffinityRuleNeedsUpdate(newRS.spec?.template?.spec?.affinity, rollout, currentHash);
  if (!changed && !minReadyChanged && !affinityChanged) return undefined;
  const template = newRS.spec?.template ?? {};
  return {
    ...newRS,
    metadata: { ...newRS.metadata, annotations },
    spec: {
      ...newRS.spec,
      selector: newRS.spec?.selector ?? {},
      minReadySeconds,
      template: template.spec ? { ...template, spec: { ...template.spec, affinity: replicaSetAffinity(rollout, currentHash) } } : template,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/**
 * The ReplicaSet Argo's createDesiredReplicaSet creates: named `<rollout>-<hash>`, the hash label
 * on itself, its selector and its pods, the Rollout's annotations plus revision and desired
 * replicas, owned by the Rollout (controller, blocking owner deletion). `ephemeralMetadata` is the
 * canary/stable (or preview/active) pod metadata to inject, recorded in its annotation.
 */
export function renderReplicaSet(
  rollout: Rollout,
  hash: string,
  revision: number,
  replicas: number,
  ephemeralMetadata?: PodTemplateMetadata,
): V1ReplicaSet {
  const template = structuredClone(rollout.spec.template ?? {});
  const labels = { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
  const affinity = replicaSetAffinity(rollout, hash);
  const podSpec = { ...template.spec, containers: template.spec?.containers ?? [] };
  if (affinity) podSpec.affinity = affinity;
  else delete podSpec.affinity;
  const annotations: Record<string, string> = {};
  copyRolloutAnnotations(rollout, annotations);
  annotations[REVISION_ANNOTATION] = String(revision);
  annotations[DESIRED_REPLICAS_ANNOTATION] = String(specReplicas(rollout));
  const rs: V1ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${rollout.metadata.name ?? ''}-${hash}`,
      namespace: rollout.metadata.namespace,
      labels: { ...labels },
      annotations,
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: rollout.metadata.name ?? '',
          uid: rollout.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      minReadySeconds: rollout.spec.minReadySeconds ?? 0,
      selector: selectorWithHash(rollout.spec.selector, hash),
      template: { ...template, metadata: { ...template.metadata, labels }, spec: podSpec },
    },
  };
  return ephemeralMetadata ? syncReplicaSetEphemeralMetadata(rs, ephemeralMetadata).replicaSet : rs;
}

/** labelsutil.CloneSelectorAndAddLabel */
export function selectorWithHash(selector: V1LabelSelector | undefined, hash: string): V1LabelSelector {
  const out: V1LabelSelector = { matchLabels: { ...selector?.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash } };
  if (selector?.matchExpressions && selector.matchExpressions.length > 0) {
    out.matchExpressions = selector.matchExpressions.map((e) => ({ ...e, values: e.values ? [...e.values] : e.values }));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ephemeral (canary/stable, preview/active) pod metadata

/** The metadata recorded as injected by the controller, or undefined when absent or unreadable. */
export function parseEphemeralMetadata(rs: V1ReplicaSet): PodTemplateMetadata | undefined {
  const raw = rs.metadata?.annotations?.[EPHEMERAL_METADATA_ANNOTATION];
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const { labels, annotations } = parsed as Record<string, unknown>;
    return { labels: stringRecord(labels), annotations: stringRecord(annotations) };
  } catch {
    return undefined;
  }
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

type PodMetadata = NonNullable<V1PodTemplateSpec['metadata']>;

/**
 * Argo's SyncEphemeralPodMetadata: injects the desired labels and annotations and removes the
 * ones injected before that are no longer desired, leaving everything else (e.g. a sidecar
 * injector's) untouched.
 */
export function syncEphemeralPodMetadata(
  metadata: PodMetadata | undefined,
  existing: PodTemplateMetadata | undefined,
  desired: PodTemplateMetadata | undefined,
): { metadata: PodMetadata; modified: boolean } {
  const out: PodMetadata = { ...metadata };
  let modified = false;
  const inject = (field: 'labels' | 'annotations') => {
    for (const [key, value] of Object.entries(desired?.[field] ?? {})) {
      const current = out[field] ?? {};
      if (current[key] !== value) {
        out[field] = { ...current, [key]: value };
        modified = true;
      }
    }
  };
  const remove = (field: 'labels' | 'annotations') => {
    for (const key of Object.keys(existing?.[field] ?? {})) {
      if (desired?.[field] && key in desired[field]) continue;
      const current = out[field];
      if (current) {
        const { [key]: _removed, ...rest } = current;
        out[field] = rest;
        modified = true;
      }
    }
  };
  inject('annotations');
  inject('labels');
  remove('annotations');
  remove('labels');
  return { metadata: out, modified };
}

/**
 * Argo's SyncReplicaSetEphemeralPodMetadata: `podMetadata` undefined removes everything injected
 * before. The annotation is Go's JSON encoding of PodTemplateMetadata (labels before
 * annotations, keys sorted), so Argo reads it back unchanged.
 */
export function syncReplicaSetEphemeralMetadata(
  rs: V1ReplicaSet,
  podMetadata: PodTemplateMetadata | undefined,
): { replicaSet: V1ReplicaSet; modified: boolean } {
  const existing = parseEphemeralMetadata(rs);
  const { metadata, modified } = syncEphemeralPodMetadata(rs.spec?.template?.metadata, existing, podMetadata);
  if (!modified) return { replicaSet: rs, modified: false };
  const annotations = { ...rs.metadata?.annotations };
  if (podMetadata) annotations[EPHEMERAL_METADATA_ANNOTATION] = ephemeralMetadataJson(podMetadata);
  else delete annotations[EPHEMERAL_METADATA_ANNOTATION];
  return {
    replicaSet: {
      ...rs,
      metadata: { ...rs.metadata, annotations },
      spec: { ...rs.spec, selector: rs.spec?.selector ?? {}, template: { ...rs.spec?.template, metadata } },
    },
    modified: true,
  };
}

function ephemeralMetadataJson(metadata: PodTemplateMetadata): string {
  const sorted = (record: Record<string, string> | undefined) =>
    record && Object.keys(record).length > 0 ? Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1))) : undefined;
  return JSON.stringify({ labels: sorted(metadata.labels), annotations: sorted(metadata.annotations) });
}

// ---------------------------------------------------------------------------------------------
// Injected anti-affinity

function rolloutAntiAffinity(rollout: Rollout): AntiAffinity | undefined {
  const strategy = rollout.spec.strategy.canary?.antiAffinity ?? rollout.spec.strategy.blueGreen?.antiAffinity;
  if (!strategy) return undefined;
  if (strategy.preferredDuringSchedulingIgnoredDuringExecution || strategy.requiredDuringSchedulingIgnoredDuringExecution) return strategy;
  return undefined;
}

function injectedAntiAffinityTerm(rollout: Rollout): V1PodAffinityTerm {
  return {
    labelSelector: {
      matchExpressions: [{ key: POD_TEMPLATE_HASH_LABEL, operator: 'In', values: [rollout.status?.stableRS ?? ''] }],
    },
    namespaces: [rollout.metadata.namespace ?? ''],
    topologyKey: 'kubernetes.io/hostname',
  };
}

/**
 * Argo's GenerateReplicaSetAffinity: the template's affinity plus, while an update is in progress
 * and `antiAffinity` is set, a rule keeping new pods off the nodes of the stable ones.
 */
export function replicaSetAffinity(rollout: Rollout, currentPodHash: string): V1Affinity | undefined {
  const strategy = rolloutAntiAffinity(rollout);
  const affinity = rollout.spec.template?.spec?.affinity ? structuredClone(rollout.spec.template.spec.affinity) : undefined;
  const stableRS = rollout.status?.stableRS ?? '';
  if (!strategy || stableRS === '' || stableRS === currentPodHash) return affinity;
  const out: V1Affinity = affinity ?? {};
  const anti = (out.podAntiAffinity ??= {});
  const term = injectedAntiAffinityTerm(rollout);
  const preferred = strategy.preferredDuringSchedulingIgnoredDuringExecution;
  if (preferred) {
    anti.preferredDuringSchedulingIgnoredDuringExecution = [
      ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []),
      { weight: preferred.weight, podAffinityTerm: term },
    ];
  } else {
    anti.requiredDuringSchedulingIgnoredDuringExecution = [...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []), term];
  }
  return out;
}

function injectedTermIndex(affinity: V1Affinity | undefined, rollout: Rollout): { index: number; term?: V1PodAffinityTerm } {
  const strategy = rolloutAntiAffinity(rollout);
  const anti = affinity?.podAntiAffinity;
  if (!strategy || !anti) return { index: -1 };
  const terms = strategy.preferredDuringSchedulingIgnoredDuringExecution
    ? (anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => t.podAffinityTerm)
    : (anti.requiredDuringSchedulingIgnoredDuringExecution ?? []);
  const index = terms.findIndex((t) => (t.labelSelector?.matchExpressions ?? []).some((e) => e.key === POD_TEMPLATE_HASH_LABEL));
  return index >= 0 ? { index, term: terms[index] } : { index: -1 };
}

/** Argo's RemoveInjectedAntiAffinityRule: the affinity without the rule the controller injected. */
export function removeInjectedAntiAffinityRule(affinity: V1Affinity | undefined, rollout: Rollout): V1Affinity | undefined {
  const { index } = injectedTermIndex(affinity, rollout);
  if (index < 0 || !affinity) return affinity;
  const out = structuredClone(affinity);
  const anti = out.podAntiAffinity ?? {};
  const strategy = rolloutAntiAffinity(rollout);
  if (strategy?.preferredDuringSchedulingIgnoredDuringExecution) anti.preferredDuringSchedulingIgnoredDuringExecution?.splice(index, 1);
  if (strategy?.requiredDuringSchedulingIgnoredDuringExecution) anti.requiredDuringSchedulingIgnoredDuringExecution?.splice(index, 1);
  if (anti.requiredDuringSchedulingIgnoredDuringExecution?.length === 0) delete anti.requiredDuringSchedulingIgnoredDuringExecution;
  if (anti.preferredDuringSchedulingIgnoredDuringExecution?.length === 0) delete anti.preferredDuringSchedulingIgnoredDuringExecution;
  if (!anti.requiredDuringSchedulingIgnoredDuringExecution && !anti.preferredDuringSchedulingIgnoredDuringExecution) delete out.podAntiAffinity;
  if (!out.podAntiAffinity && !out.podAffinity && !out.nodeAffinity) return undefined;
  return out;
}

/**
 * Argo's IfInjectedAntiAffinityRuleNeedsUpdate: the injected rule still points at an old stable
 * hash while the current pod hash (that of the new ReplicaSet) is not the stable one.
 */
export function injectedAntiAffinityRuleNeedsUpdate(affinity: V1Affinity | undefined, rollout: Rollout, currentPodHash: string): boolean {
  const { term } = injectedTermIndex(affinity, rollout);
  const stableRS = rollout.status?.stableRS ?? '';
  if (!term || stableRS === currentPodHash) return false;
  return (term.labelSelector?.matchExpressions ?? []).some((e) => e.key === POD_TEMPLATE_HASH_LABEL && e.values?.[0] !== stableRS);
}

// ---------------------------------------------------------------------------------------------
// Replica annotations and availability

export function specReplicas(rollout: Rollout): number {
  return rollout.spec.replicas ?? DEFAULT_REPLICAS;
}

/** The `rollout.argoproj.io/desired-replicas` annotation, or undefined when absent or not an int32. */
export function desiredReplicasAnnotation(rs: V1ReplicaSet | undefined): number | undefined {
  const value = rs?.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
}

/** Argo's ReplicasAnnotationsNeedUpdate. */
export function replicasAnnotationsNeedUpdate(rs: V1ReplicaSet, desiredReplicas: number): boolean {
  const annotations = rs.metadata?.annotations;
  if (!annotations) return true;
  if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desiredReplicas)) return true;
  return desiredReplicas === 0 && (annotations[SCALE_DOWN_DEADLINE_ANNOTATION] ?? '') !== '';
}

/** Argo's IsSaturated: scaled to, annotated with, and fully available at spec.replicas. */
export function isSaturated(rollout: Rollout, rs: V1ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const replicas = specReplicas(rollout);
  return desiredReplicasAnnotation(rs) === replicas && (rs.spec?.replicas ?? 0) === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/** Argo's IsReplicaSetAvailable: scaled up and every desired pod available. */
export function isReplicaSetAvailable(rs: V1ReplicaSet | undefined): boolean {
  if (!rs || rs.spec?.replicas === undefined) return false;
  const available = rs.status?.availableReplicas ?? 0;
  return rs.spec.replicas !== 0 && available !== 0 && rs.spec.replicas <= available;
}

export function isReplicaSetPartiallyAvailable(rs: V1ReplicaSet): boolean {
  return (rs.status?.availableReplicas ?? 0) > 0;
}

/** controller.FilterActiveReplicaSets: has, or ought to have, pods. */
export function isActive(rs: V1ReplicaSet | undefined): boolean {
  return (rs?.spec?.replicas ?? 0) > 0;
}

// ---------------------------------------------------------------------------------------------
// Scale-down deadline

export type ScaleDownDeadline = { kind: 'none' } | { kind: 'at'; at: Date } | { kind: 'invalid'; message: string };

export function hasScaleDownDeadline(rs: V1ReplicaSet | undefined): boolean {
  return (rs?.metadata?.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] ?? '') !== '';
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function scaleDownDeadlineOf(rs: V1ReplicaSet): ScaleDownDeadline {
  if (!hasScaleDownDeadline(rs)) return { kind: 'none' };
  const value = rs.metadata?.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] ?? '';
  const ms = RFC3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) return { kind: 'invalid', message: `unable to read scaleDownAt label on rs '${nameOf(rs)}'` };
  return { kind: 'at', at: new Date(ms) };
}

/** The annotation value for a scale-down `delaySeconds` from `now`, as Argo writes it. */
export function formatScaleDownDeadline(now: Date, delaySeconds: number): string {
  return formatTime(new Date(now.getTime() + delaySeconds * 1000));
}

/**
 * Argo's GetTimeRemainingBeforeScaleDownDeadline: how long until the ReplicaSet may be scaled
 * down; `none` when it has no deadline or the deadline has passed.
 */
export function timeRemainingBeforeScaleDownDeadline(
  rs: V1ReplicaSet,
  now: Date,
): { kind: 'none' } | { kind: 'waiting'; remainingMs: number } | { kind: 'invalid'; message: string } {
  const deadline = scaleDownDeadlineOf(rs);
  if (deadline.kind !== 'at') return deadline;
  const remainingMs = deadline.at.getTime() - now.getTime();
  return remainingMs > 0 ? { kind: 'waiting', remainingMs } : { kind: 'none' };
}

// ---------------------------------------------------------------------------------------------
// Revision history

export function revisionHistoryLimit(rollout: Rollout): number {
  return rollout.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
}

/**
 * Argo's reconcileRevisionHistoryLimit: beyond `revisionHistoryLimit` old ReplicaSets, the oldest
 * (by creation) are deleted, skipping any with pods, still scaling, not yet observed by the
 * ReplicaSet controller or already being deleted. `keepHashes` (the stable and new ReplicaSets)
 * are never candidates and do not count towards the limit.
 */
export function replicaSetsToCleanUp(rollout: Rollout, rss: readonly V1ReplicaSet[], keepHashes: readonly string[]): V1ReplicaSet[] {
  const keep = new Set(keepHashes.filter((h) => h !== ''));
  const cleanable = rss.filter((rs) => !keep.has(podHashOf(rs)) && !rs.metadata?.deletionTimestamp).sort(byCreationTimestamp);
  const excess = cleanable.length - revisionHistoryLimit(rollout);
  if (excess <= 0) return [];
  return cleanable.slice(0, excess).filter((rs) => {
    const scaling = (rs.status?.replicas ?? 0) !== 0 || (rs.spec?.replicas ?? 0) !== 0;
    const unobserved = (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0);
    return !scaling && !unobserved;
  });
}

// ---------------------------------------------------------------------------------------------
// Fenceposts

/**
 * Kubernetes resolveFenceposts: maxSurge rounds up, maxUnavailable down, and when both come to
 * zero maxUnavailable becomes 1 (validation forbids both being 0, but rounding can get there).
 * A value that is neither an integer nor a percentage resolves both to 0, as Argo does.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  try {
    const surge = resolveIntOrPercent(maxSurge ?? 0, desired, true);
    let unavailable = resolveIntOrPercent(maxUnavailable ?? 0, desired, false);
    if (surge === 0 && unavailable === 0) unavailable = 1;
    return { surge, unavailable };
  } catch {
    return { surge: 0, unavailable: 0 };
  }
}

function maxSurgeOrDefault(rollout: Rollout): IntOrString {
  return rollout.spec.strategy.canary?.maxSurge ?? DEFAULT_MAX_SURGE;
}

function maxUnavailableOrDefault(rollout: Rollout): IntOrString {
  return rollout.spec.strategy.blueGreen?.maxUnavailable ?? rollout.spec.strategy.canary?.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE;
}

/** Argo's MaxUnavailable: never more than spec.replicas. */
export function maxUnavailable(rollout: Rollout): number {
  const replicas = specReplicas(rollout);
  if (replicas === 0) return 0;
  let unavailable: number;
  if (rollout.spec.strategy.canary) {
    unavailable = resolveFenceposts(maxSurgeOrDefault(rollout), maxUnavailableOrDefault(rollout), replicas).unavailable;
  } else {
    try {
      unavailable = resolveIntOrPercent(maxUnavailableOrDefault(rollout), replicas, false);
    } catch {
      unavailable = 0;
    }
  }
  return Math.min(unavailable, replicas);
}

/** Argo's MaxSurge: 0 for blue-green. */
export function maxSurge(rollout: Rollout): number {
  if (!rollout.spec.strategy.canary) return 0;
  return resolveFenceposts(maxSurgeOrDefault(rollout), maxUnavailableOrDefault(rollout), specReplicas(rollout)).surge;
}

// ---------------------------------------------------------------------------------------------
// Restarts (spec.restartAt)

/** Argo's NeedsRestart: restartAt has passed and has not yet been recorded as done. */
export function needsRestart(rollout: Rollout, now: Date): boolean {
  const restartAt = toMillis(rollout.spec.restartAt);
  if (restartAt === undefined) return false;
  const restartedAt = toMillis(rollout.status?.restartedAt);
  if (restartedAt !== undefined && restartedAt === restartAt) return false;
  return now.getTime() > restartAt;
}

export interface PodRestartPlan {
  /** Pods to evict now. */
  evict: V1Pod[];
  /** Pods created before restartAt, including those evicted now. */
  needRestart: number;
  /** Every pod is newer than restartAt once these evictions happen: record status.restartedAt. */
  done: boolean;
}

/** podutil.IsPodAvailable */
export function isPodAvailable(pod: V1Pod, minReadySeconds: number, now: Date): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds === 0) return true;
  const since = toMillis(ready.lastTransitionTime);
  return since !== undefined && since !== 0 && since + minReadySeconds * 1000 < now.getTime();
}

/**
 * Argo's RolloutPodRestarter: pods of the Rollout's ReplicaSets created before spec.restartAt are
 * evicted, at most max(maxUnavailable, 1) below full availability at a time (full being the
 * larger of spec.replicas and the ReplicaSets' total, which an uneven canary weight can raise).
 * Pods are taken stable ReplicaSet first, then the new one, then older ones by age.
 */
export function podsToRestart(
  rollout: Rollout,
  allRSs: readonly V1ReplicaSet[],
  newRS: V1ReplicaSet | undefined,
  stableRS: V1ReplicaSet | undefined,
  pods: readonly V1Pod[],
  now: Date,
): PodRestartPlan {
  const restartAt = toMillis(rollout.spec.restartAt);
  if (restartAt === undefined) return { evict: [], needRestart: 0, done: true };
  const priority = [...allRSs].sort((a, b) => {
    const rank = (rs: V1ReplicaSet) => (stableRS && nameOf(rs) === nameOf(stableRS) ? 0 : newRS && nameOf(rs) === nameOf(newRS) ? 1 : 2);
    return rank(a) - rank(b) || byCreationTimestamp(a, b);
  });
  const rank = new Map(priority.map((rs, i) => [rs.metadata?.uid ?? '', i]));
  const owner = (pod: V1Pod) => (pod.metadata?.ownerReferences ?? []).find((ref) => rank.has(ref.uid));
  const rolloutPods = pods
    .filter((pod) => owner(pod) !== undefined)
    .sort((a, b) => {
      const byOwner = (rank.get(owner(a)?.uid ?? '') ?? 0) - (rank.get(owner(b)?.uid ?? '') ?? 0);
      const byAge = (toMillis(a.metadata?.creationTimestamp) ?? 0) - (toMillis(b.metadata?.creationTimestamp) ?? 0);
      return byOwner || byAge || ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1);
    });
  const total = allRSs.reduce((sum, rs) => sum + (rs.spec?.replicas ?? 0), 0);
  const minReadySeconds = rollout.spec.minReadySeconds ?? 0;
  const available = rolloutPods.filter((pod) => isPodAvailable(pod, minReadySeconds, now) && !pod.metadata?.deletionTimestamp).length;
  const concurrent = Math.max(maxUnavailable(rollout), 1);
  let canRestart = available - (Math.max(specReplicas(rollout), total) - concurrent);
  const evict: V1Pod[] = [];
  let needRestart = 0;
  for (const pod of rolloutPods) {
    if ((toMillis(pod.metadata?.creationTimestamp) ?? 0) >= restartAt) continue;
    needRestart += 1;
    if (canRestart <= 0 || pod.metadata?.deletionTimestamp) continue;
    evict.push(pod);
    canRestart -= 1;
  }
  return { evict, needRestart, done: needRestart === evict.length };
}
