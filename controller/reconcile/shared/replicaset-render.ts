import type { V1LabelSelector, V1ReplicaSet } from '@kubernetes/client-node';
import { replicasOrDefault } from '../../api/defaults.ts';
import { type PodTemplateMetadata, type Rollout } from '../../api/index.ts';
import { DESIRED_REPLICAS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../../api/labels.ts';
import { replicaSetAffinity } from './anti-affinity.ts';
import { syncReplicaSetEphemeralMetadata } from './ephemeral-pod-metadata.ts';
import { copyRolloutAnnotations } from './revisions.ts';

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
  annotations[DESIRED_REPLICAS_ANNOTATION] = String(replicasOrDefault(rollout));
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
