import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { PodTemplateMetadata, Rollout } from '../../api/index.ts';
import { createMergePatch, type JsonObject } from '../../kube/merge-patch.ts';
import { EPHEMERAL_METADATA_ANNOTATION } from '../../api/labels.ts';
import { parseEphemeralMetadata, syncEphemeralPodMetadata, syncReplicaSetEphemeralMetadata } from './ephemeral-pod-metadata.ts';
import { podHashOf } from './replicaset-identity.ts';
import type { Effect } from '../types.ts';

/**
 * Ephemeral pod metadata (Argo's reconcileEphemeralMetadata): blue-green's previewMetadata and
 * activeMetadata, canary's canaryMetadata and stableMetadata. Labels and annotations that exist
 * only while a ReplicaSet plays a role: the new ReplicaSet carries the preview (canary) metadata
 * during an update and the active (stable) metadata once it is stable; the stable ReplicaSet
 * carries the active metadata; every other ReplicaSet loses what was injected. Both the pod
 * template (for pods created later) and the running pods are rewritten.
 */

export interface EphemeralRoles {
  /** Metadata of the revision being rolled out. */
  newMetadata?: PodTemplateMetadata;
  /** Metadata of the stable revision. */
  stableMetadata?: PodTemplateMetadata;
}

export function ephemeralRoles(rollout: Rollout): EphemeralRoles | undefined {
  const { blueGreen, canary } = rollout.spec.strategy;
  if (canary && (canary.canaryMetadata || canary.stableMetadata)) return { newMetadata: canary.canaryMetadata, stableMetadata: canary.stableMetadata };
  if (blueGreen && (blueGreen.previewMetadata || blueGreen.activeMetadata)) return { newMetadata: blueGreen.previewMetadata, stableMetadata: blueGreen.activeMetadata };
  return undefined;
}

/**
 * The metadata a ReplicaSet created now starts with (Argo's createDesiredReplicaSet): the preview
 * one when a stable revision exists, else the active one, since it will become the stable revision.
 */
export function metadataForNewReplicaSet(rollout: Rollout, stableExists: boolean): PodTemplateMetadata | undefined {
  const roles = ephemeralRoles(rollout);
  if (!roles) return undefined;
  return stableExists ? roles.newMetadata : roles.stableMetadata;
}

/**
 * The effects that bring every ReplicaSet's injected metadata to its role: first the running pods,
 * then the template, so a failure in between is seen and repeated by the next pass. `newRS` is
 * left out when it is created by this pass (it is rendered with its metadata).
 */
export function planEphemeralMetadata(rollout: Rollout, replicaSets: readonly V1ReplicaSet[], newRS: V1ReplicaSet | undefined): Effect[] {
  const roles = ephemeralRoles(rollout);
  const stableHash = rollout.status?.stableRS ?? '';
  const newHash = podHashOf(newRS);
  const fullyRolledOut = stableHash === '' || stableHash === newHash;
  const effects: Effect[] = [];
  for (const rs of replicaSets) {
    const hash = podHashOf(rs);
    let desired: PodTemplateMetadata | undefined;
    if (newRS && hash === newHash) desired = fullyRolledOut ? roles?.stableMetadata : roles?.newMetadata;
    else if (stableHash !== '' && hash === stableHash) desired = roles?.stableMetadata;
    // Without any ephemeral metadata configured, only ReplicaSets that still carry some need work.
    if (!roles && parseEphemeralMetadata(rs) === undefined) continue;
    effects.push(...syncEffects(rs, desired));
  }
  return effects;
}

function syncEffects(rs: V1ReplicaSet, desired: PodTemplateMetadata | undefined): Effect[] {
  const { replicaSet: synced, modified } = syncReplicaSetEphemeralMetadata(rs, desired);
  if (!modified) return [];
  const name = rs.metadata?.name ?? '';
  const templatePatch = createMergePatch(labelsAndAnnotations(rs), labelsAndAnnotations(synced));
  const annotation = synced.metadata?.annotations?.[EPHEMERAL_METADATA_ANNOTATION] ?? null;
  return [
    { kind: 'syncPodMetadata', replicaSet: name, podHash: podHashOf(rs), existing: parseEphemeralMetadata(rs), desired, reason: 'ephemeral metadata' },
    {
      kind: 'patchReplicaSet',
      name,
      patch: { annotations: { [EPHEMERAL_METADATA_ANNOTATION]: annotation }, ...(templatePatch ? { template: templatePatch } : {}) },
      reason: 'ephemeral metadata',
    },
  ];
}

function labelsAndAnnotations(rs: V1ReplicaSet): JsonObject {
  const metadata = rs.spec?.template?.metadata;
  return { metadata: { labels: { ...metadata?.labels }, annotations: { ...metadata?.annotations } } };
}

/**
 * The merge patch of one pod's metadata for a syncPodMetadata effect, or null when the pod already
 * carries exactly the desired metadata. Used at the edge, where the pods are read.
 */
export function podMetadataPatch(
  pod: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } },
  existing: PodTemplateMetadata | undefined,
  desired: PodTemplateMetadata | undefined,
): JsonObject | null {
  const current = { labels: pod.metadata?.labels ?? {}, annotations: pod.metadata?.annotations ?? {} };
  const { metadata, modified } = syncEphemeralPodMetadata(current, existing, desired);
  if (!modified) return null;
  return createMergePatch({ metadata: current } as JsonObject, { metadata: { labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} } } as JsonObject);
}
