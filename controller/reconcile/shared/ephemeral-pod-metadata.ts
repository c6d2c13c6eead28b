import type { V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { PodTemplateMetadata } from '../../api/index.ts';
import { EPHEMERAL_METADATA_ANNOTATION } from '../../api/labels.ts';

/** Ephemeral (canary/stable, preview/active) pod metadata on a ReplicaSet's pod template, as Argo records it. */

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
