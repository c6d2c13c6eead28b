import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { AnalysisRun, Experiment } from '../api/index.ts';
import { createMergePatch } from '../kube/merge-patch.ts';
import { applyTrafficEffect, isTrafficEffect, withVerifiedWeight, type TrafficRoutingAccess } from './canary/traffic-apply.ts';
import { podMetadataPatch } from './shared/ephemeral-metadata.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.ts';
import type { Effect, Observed, Plan, RolloutEvent, RolloutObject } from './types.ts';
import type { TrafficEffect } from './types.ts';
import { MANAGED_BY_ROLLOUTS_ANNOTATION } from '../api/labels.ts';
import { invalidSpecPlan } from './plan.ts';
import { rejectedTemplateErrors, type TemplateRefusal } from './shared/rejected-template.ts';

/**
 * The apiserver refused to create a ReplicaSet rendered from the Rollout (400: its body could not
 * be decoded; 422: it failed validation): the Rollout's template is wrong, not the cluster.
 */
export class ReplicaSetRefusedError extends Error {
  override readonly name = 'ReplicaSetRefusedError';
  constructor(readonly refusal: TemplateRefusal, options?: { cause?: unknown }) {
    super(refusal.message, options);
  }
}


/** The writes a pass may make. Every method is a single idempotent request. */
export interface RolloutWriter {
  createReplicaSet(namespace: string, rs: V1ReplicaSet): Promise<void>;
  patchReplicaSet(namespace: string, name: string, patch: object): Promise<void>;
  deleteReplicaSet(namespace: string, name: string): Promise<void>;
  /** Evicts a pod for spec.restartAt; a pod already gone is not an error. */
  evictPod?(namespace: string, name: string): Promise<void>;
  /** A merge patch of a Deployment (workloadRef.scaleDown). */
  patchDeployment?(namespace: string, name: string, patch: object): Promise<void>;
  /** Pods matching a label selector, for syncPodMetadata. */
  listPods?(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  /** A merge patch of a pod; a pod already gone is not an error. */
  patchPod?(namespace: string, name: string, patch: object): Promise<void>;
  patchService(namespace: string, name: string, patch: object): Promise<void>;
  /** Returns the Rollout's new resourceVersion, which the status patch of the same pass must carry. */
  patchRollout(namespace: string, name: string, patch: object): Promise<string | undefined>;
  /** A merge patch on the status subresource; carries metadata.resourceVersion, so a stale write gets 409. */
  /** Returns the Rollout's new resourceVersion. */
  patchRolloutStatus(namespace: string, name: string, patch: object): Promise<string | undefined>;
  recordEvent(rollout: RolloutObject, event: RolloutEvent): Promise<void>;
  /** The routing objects a canary with trafficRouting edits (Ingresses, VirtualServices, DestinationRules). */
  trafficRouting?(): TrafficRoutingAccess;
  /** Creates the run; a run of that name the Rollout already started counts as created. */
  createAnalysisRun(namespace: string, run: AnalysisRun): Promise<void>;
  patchAnalysisRun(namespace: string, name: string, patch: object): Promise<void>;
  /** A run already gone is not an error. */
  deleteAnalysisRun(namespace: string, name: string): Promise<void>;
  /** Creates an experiment step's Experiment; one of that name the Rollout already started for this revision counts as created. */
  createExperiment?(namespace: string, experiment: Experiment): Promise<void>;
  /** An Experiment already gone is not an error. */
  patchExperiment?(namespace: string, name: string, patch: object): Promise<void>;
  deleteExperiment?(namespace: string, name: string): Promise<void>;
}

export interface ApplyResult {
  effects: number;
  statusPatched: boolean;
  /** The Rollout's resourceVersion after this pass's own writes to it. */
  resourceVersion?: string;
}

function effectRequest(effect: Exclude<Effect, TrafficEffect>, rolloutName: string): (w: RolloutWriter, ns: string) => Promise<string | void> {
  switch (effect.kind) {
    case 'createReplicaSet':
      return (w, ns) => w.createReplicaSet(ns, effect.replicaSet);
    case 'patchReplicaSet': {
      const patch: { spec?: { replicas?: number; minReadySeconds?: number; template?: object }; metadata?: { annotations: Record<string, string | null> } } = {};
      const spec = {
        ...(effect.patch.replicas !== undefined ? { replicas: effect.patch.replicas } : {}),
        ...(effect.patch.minReadySeconds !== undefined ? { minReadySeconds: effect.patch.minReadySeconds } : {}),
        ...(effect.patch.template ? { template: effect.patch.template } : {}),
      };
      if (Object.keys(spec).length > 0) patch.spec = spec;
      if (effect.patch.annotations && Object.keys(effect.patch.annotations).length > 0) patch.metadata = { annotations: effect.patch.annotations };
      return (w, ns) => w.patchReplicaSet(ns, effect.name, patch);
    }
    case 'deleteReplicaSet':
      return (w, ns) => w.deleteReplicaSet(ns, effect.name);
    case 'scaleDeployment':
      return (w, ns) => {
        if (!w.patchDeployment) throw new Error(`cannot scale Deployment ${ns}/${effect.name} (${effect.reason}): this writer has no Deployment access`);
        return w.patchDeployment(ns, effect.name, { spec: { replicas: effect.replicas } });
      };
    case 'syncPodMetadata':
      return (w, ns) => syncPodMetadata(w, ns, effect);
    case 'evictPod':
      return (w, ns) => {
        if (!w.evictPod) throw new Error(`cannot evict pod ${ns}/${effect.name} (${effect.reason}): this writer has no pod access`);
        return w.evictPod(ns, effect.name);
      };
    case 'annotateRollout':
      return (w, ns) => w.patchRollout(ns, rolloutName, { metadata: { annotations: effect.annotations } });
    case 'setServiceSelector':
      return (w, ns) =>
        w.patchService(ns, effect.service, {
          metadata: { annotations: { [MANAGED_BY_ROLLOUTS_ANNOTATION]: effect.rollout } },
          spec: { selector: { [POD_TEMPLATE_HASH_LABEL]: effect.hash } },
        });
    case 'releaseService':
      return (w, ns) =>
        w.patchService(ns, effect.service, {
          metadata: { annotations: { [MANAGED_BY_ROLLOUTS_ANNOTATION]: null } },
          spec: { selector: { [POD_TEMPLATE_HASH_LABEL]: null } },
        });
    case 'createAnalysisRun':
      return (w, ns) => w.createAnalysisRun(ns, effect.analysisRun);
    case 'terminateAnalysisRun':
      return (w, ns) => w.patchAnalysisRun(ns, effect.name, { spec: { terminate: true } });
    case 'deleteAnalysisRun':
      return (w, ns) => w.deleteAnalysisRun(ns, effect.name);
    case 'createExperiment':
      return (w, ns) => experimentWriter(w, ns, effect).createExperiment!(ns, effect.experiment);
    case 'terminateExperiment':
      return (w, ns) => experimentWriter(w, ns, effect).patchExperiment!(ns, effect.name, { spec: { terminate: true } });
    case 'deleteExperiment':
      return (w, ns) => experimentWriter(w, ns, effect).deleteExperiment!(ns, effect.name);
    case 'patchDestinationRule':
      return async (w, ns) => {
        const access = w.trafficRouting?.();
        if (!access) throw new Error(`cannot patch DestinationRule ${ns}/${effect.name} (${effect.reason}): this writer has no routing-object access`);
        await access.kube.patch(effect.apiVersion, 'DestinationRule', ns, effect.name, effect.patch);
      };
  }
}

type ExperimentEffect = Extract<Effect, { kind: 'createExperiment' | 'terminateExperiment' | 'deleteExperiment' }>;

function experimentWriter(w: RolloutWriter, ns: string, effect: ExperimentEffect): RolloutWriter {
  if (!w.createExperiment || !w.patchExperiment || !w.deleteExperiment) {
    const name = effect.kind === 'createExperiment' ? effect.experiment.metadata.name : effect.name;
    throw new Error(`cannot write Experiment ${ns}/${name} (${effect.reason}): this writer has no Experiment access`);
  }
  return w;
}

/** Argo's syncEphemeralMetadata for the running pods: one read of the ReplicaSet's pods, a patch for each that differs. */
async function syncPodMetadata(w: RolloutWriter, ns: string, effect: Extract<Effect, { kind: 'syncPodMetadata' }>): Promise<void> {
  if (!w.listPods || !w.patchPod) throw new Error(`cannot update the pods of ReplicaSet ${ns}/${effect.replicaSet} (${effect.reason}): this writer has no pod access`);
  const pods = await w.listPods(ns, `${POD_TEMPLATE_HASH_LABEL}=${effect.podHash}`);
  for (const pod of pods) {
    if (!(pod.metadata?.ownerReferences ?? []).some((ref) => ref.kind === 'ReplicaSet' && ref.name === effect.replicaSet)) continue;
    const patch = podMetadataPatch(pod, effect.existing, effect.desired);
    if (patch) await w.patchPod(ns, pod.metadata?.name ?? '', patch);
  }
}

/**
 * What a deleted Rollout leaves behind, released (Argo's Service and DestinationRule controllers):
 * the managed-by annotation and the hash selector or subset labels. Each is one guarded request.
 */
export async function applyReleases(writer: RolloutWriter, namespace: string, rolloutName: string, effects: ReadonlyArray<Extract<Effect, { kind: 'releaseService' | 'patchDestinationRule' }>>): Promise<void> {
  for (const effect of effects) await effectRequest(effect, rolloutName)(writer, namespace);
}

/**
 * Applies a plan: the effects in order (stopping at the first failure, so the status never claims
 * what did not happen), then the status as a minimal merge patch, skipped when nothing changed.
 */
export async function apply(writer: RolloutWriter, observed: Observed, plan: Plan): Promise<ApplyResult> {
  const { namespace, name } = observed.rollout.metadata;
  // Our own writes to the Rollout move its resourceVersion; anyone else's make the status patch 409.
  let resourceVersion = (observed.rollout.metadata as { resourceVersion?: string }).resourceVersion;
  let status = plan.status;
  const events = [...plan.events];
  for (const effect of plan.effects) {
    if (isTrafficEffect(effect)) {
      // With the status this pass decided: the weights were planned for its stable ReplicaSet, and
      // with ping-pong Services its stablePingPong says which Service that is.
      const outcome = await applyTrafficEffect(writer.trafficRouting?.(), { ...observed.rollout, status: plan.status }, effect);
      status = withVerifiedWeight(status, outcome);
      events.push(...outcome.events);
      continue;
    }
    const result = await effectRequest(effect, name)(writer, namespace).catch(async (err: unknown) => {
      if (!(err instanceof ReplicaSetRefusedError) || effect.kind !== 'createReplicaSet') throw err;
      // The user sees why nothing happens; the error still fails the pass, so the work queue keeps
      // retrying with backoff, and the first pass that creates the ReplicaSet clears the condition.
      const template = effect.replicaSet.spec?.template;
      await apply(writer, observed, invalidSpecPlan(observed, rejectedTemplateErrors(template, err.refusal)));
      throw err;
    });
    if (effect.kind === 'annotateRollout' && typeof result === 'string') resourceVersion = result;
  }
  const statusPatch = createMergePatch(observed.rollout.status ?? {}, status);
  if (statusPatch) {
    resourceVersion = await writer.patchRolloutStatus(namespace, name, {
      metadata: { resourceVersion },
      status: statusPatch,
    });
  }
  // Events are for people: a failure to record one must not fail the pass. They are independent
  // requests, sent together so a pass costs one event round trip rather than one per event (the
  // apiserver keeps event timestamps to the second, so their order within a pass was never kept).
  await Promise.all(events.map((event) => writer.recordEvent(observed.rollout, event).catch(() => undefined)));
  return { effects: plan.effects.length, statusPatched: statusPatch !== null, resourceVersion };
}
