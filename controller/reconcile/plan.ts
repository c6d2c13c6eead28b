import type { V1ReplicaSet } from '@kubernetes/client-node';
import { formatValue, invalidSpecMessage, validateRollout, type FieldError, type Rollout, type RolloutStatus } from '../api/index.ts';
import { invalid } from '../api/validation/field-error.ts';
import { validateIngress, validateIstioReferences, validateService, type ServiceType } from '../api/validation/references.ts';
import { analysisTemplateErrors, missingAnalysisTemplates, unsupportedInReferencedTemplates } from './shared/analysis-templates.ts';
import { planBlueGreen } from './bluegreen/plan.ts';
import { planCanary } from './canary/plan.ts';
import { podTemplateHash, templatesEqualIgnoringHash } from './shared/hash.ts';
import { REVISION_ANNOTATION } from '../api/labels.ts';
import { findNewReplicaSet, findStableReplicaSet, podHashOf } from './shared/replicaset-identity.ts';
import { maxRevision, syncedNewReplicaSet } from './shared/revisions.ts';
import { renderReplicaSet } from './shared/replicaset-render.ts';
import { replicasOrDefault } from '../api/defaults.ts';
import { progressCheckAfterMs } from './shared/conditions.ts';
import { metadataForNewReplicaSet, planEphemeralMetadata } from './shared/ephemeral-metadata.ts';
import { planRestart } from './shared/restart.ts';
import { planWorkload } from './shared/workload.ts';
import { releaseServiceEffects } from './shared/referenced-services.ts';
import { completeStatus, invalidSpecStatus } from './shared/status.ts';
import { statusDuration } from './shared/duration.ts';
import { releaseDestinationRules } from './shared/released-destination-rules.ts';
import { routerReferenceErrors } from './shared/router-references.ts';
import { MESSAGES, REASONS } from './shared/messages.ts';
import type { Effect, Observed, Plan, ReplicaSetPatch, RolloutEvent } from './types.ts';
import { createMergePatch } from '../kube/merge-patch.ts';

/** How soon a Rollout invalid because of its routing objects looks at them again while they are read, not watched. */
export const ISTIO_RECHECK_MS = 5_000;

/**
 * plan(observed): the whole decision of one reconcile pass, pure. It validates the Rollout,
 * resolves the new ReplicaSet, lets the strategy's machine decide, and returns the effects and the
 * status to write. Nothing here reads the cluster or the clock.
 */
export function plan(observed: Observed): Plan {
  const validation = validateRollout(observed.rollout);
  if (!validation.ok) return invalidSpecPlan(observed, validation.errors);
  const rollout = withWorkloadTemplate(validation.rollout, observed.workloadTemplate);

  const referenceErrors = missingReferences(rollout, observed);
  if (referenceErrors.length > 0) return invalidSpecPlan(observed, referenceErrors);
  const istioErrors = observed.istio ? validateIstioReferences(rollout, observed.istio) : [];
  // Unless their informers run (a change re-runs the Rollout), look again until they are fixed.
  if (istioErrors.length > 0) {
    const invalid = invalidSpecPlan(observed, istioErrors);
    return observed.istio?.watched ? invalid : { ...invalid, requeueAfterMs: ISTIO_RECHECK_MS };
  }
  const routerErrors = routerReferenceErrors(rollout, observed.routerReferences);
  if (routerErrors.length > 0) {
    const invalid = invalidSpecPlan(observed, routerErrors);
    return observed.routerReferences?.watched ? invalid : { ...invalid, requeueAfterMs: ISTIO_RECHECK_MS };
  }

  const blueGreen = rollout.spec.strategy.blueGreen;

  const effects: Effect[] = releaseDestinationRules(rollout, observed.managedDestinationRules);
  const { newRS, created, collisionCount } = resolveNewReplicaSet(rollout, observed.replicaSets, effects);
  // Argo keeps the new ReplicaSet's revision on the Rollout too; messages and tools read it there.
  const revision = revisionLabel(newRS);
  const annotated: Rollout =
    rollout.metadata.annotations?.[REVISION_ANNOTATION] === revision
      ? rollout
      : { ...rollout, metadata: { ...rollout.metadata, annotations: { ...rollout.metadata.annotations, [REVISION_ANNOTATION]: revision } } };
  if (annotated !== rollout) effects.push({ kind: 'annotateRollout', annotations: { [REVISION_ANNOTATION]: revision }, reason: 'revision' });
  const rolloutWithCollision: Rollout = collisionCount === undefined ? annotated : { ...annotated, status: { ...annotated.status, collisionCount } };
  const services = observed.services;
  const decided = !blueGreen
    ? planCanary({
      rollout: rolloutWithCollision,
      newHash: podHashOf(newRS),
      newRS,
      newRSCreated: created,
      replicaSets: observed.replicaSets,
      services,
      analysisRuns: observed.analysisRuns,
      analysisTemplates: { templates: observed.analysisTemplates, clusterTemplates: observed.clusterAnalysisTemplates },
      ...(observed.experiments ? { experiments: observed.experiments } : {}),
      now: observed.now,
    })
    : planBlueGreen({
    rollout: rolloutWithCollision,
    newHash: podHashOf(newRS),
    newRS,
    newRSCreated: created,
    replicaSets: observed.replicaSets,
    activeService: services.get(blueGreen.activeService)!,
    previewService: blueGreen.previewService ? services.get(blueGreen.previewService) : undefined,
    analysisRuns: observed.analysisRuns,
    analysisTemplates: { templates: observed.analysisTemplates, clusterTemplates: observed.clusterAnalysisTemplates },
    now: observed.now,
  });
  const restart = planRestart({
    rollout: rolloutWithCollision,
    replicaSets: observed.replicaSets,
    newRS: created ? undefined : newRS,
    pods: observed.pods,
    strategyEffects: [...effects, ...decided.effects],
    now: observed.now,
  });
  const statusEvents: RolloutEvent[] = [];
  const status: RolloutStatus = completeStatus({
    rollout: rolloutWithCollision,
    status: { ...decided.status, collisionCount, ...(restart.restartedAt ? { restartedAt: restart.restartedAt } : {}) },
    newRS: created ? undefined : newRS,
    replicaSets: observed.replicaSets,
    stateName: typeof decided.state === 'string' ? decided.state : `progressing.${decided.state.progressing}`,
    ...(decided.abortMessage ? { abortMessage: decided.abortMessage } : {}),
    now: observed.now,
    events: statusEvents,
  });
  const duration = statusDuration({
    rollout: rolloutWithCollision,
    status,
    newRS,
    newRSObserved: !created,
    stableRS: findStableReplicaSet(rolloutWithCollision, observed.replicaSets),
    replicaSets: observed.replicaSets,
    now: observed.now,
  });
  if (duration) status.duration = duration;
  else delete status.duration;
  const workload = planWorkload(rolloutWithCollision, observed.workloadTemplate, created ? undefined : newRS, status);
  if (workload.workloadObservedGeneration !== undefined) status.workloadObservedGeneration = workload.workloadObservedGeneration;
  const events = created ? [{ type: 'Normal' as const, reason: REASONS.RolloutUpdated, message: MESSAGES.rolloutUpdated(revisionLabel(newRS)) }, ...decided.events] : decided.events;
  return {
    effects: [...effects, ...decided.effects, ...planEphemeralMetadata(rolloutWithCollision, observed.replicaSets, created ? undefined : newRS), ...restart.effects, ...workload.effects, ...releaseServiceEffects(rolloutWithCollision.spec, observed.managedServices)],
    status,
    events: [...events, ...statusEvents],
    requeueAfterMs: earliest(earliest(decided.requeueAfterMs, restart.requeueAfterMs), progressCheckMs(rolloutWithCollision, status, observed.now)),
    state: typeof decided.state === 'string' ? decided.state : `progressing.${decided.state.progressing}`,
  };
}

/**
 * When to look again for the progress deadline (Argo's requeueStuckRollout): nothing else wakes
 * a Rollout whose new ReplicaSet never becomes available.
 */
function progressCheckMs(rollout: Rollout, status: RolloutStatus, now: Date): number | undefined {
  const after = progressCheckAfterMs(rollout, status, now);
  return after === undefined ? undefined : Math.max(1000, after);
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function revisionLabel(rs: V1ReplicaSet): string {
  return rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? '1';
}

/**
 * A Rollout with workloadRef takes its pod template (and, if unset, its selector) from the
 * Deployment. Validation has seen the Rollout as written (its own template must be empty); the
 * apiserver has validated the Deployment's.
 */
function withWorkloadTemplate(rollout: Rollout, workload: Observed['workloadTemplate']): Rollout {
  if (!rollout.spec.workloadRef || !workload?.template) return rollout;
  return {
    ...rollout,
    spec: { ...rollout.spec, template: workload.template as Rollout['spec']['template'], selector: rollout.spec.selector ?? (workload.selector as Rollout['spec']['selector']) },
  };
}

/** Argo's ValidateRolloutReferencedResources: Services the strategy names must exist. */
function missingReferences(rollout: Rollout, observed: Observed): FieldError[] {
  const errors: FieldError[] = [];
  // Argo's getReferencedService and ValidateService: the Service exists, selects the Rollout's
  // pods and is not managed by another Rollout.
  const need = (field: string, type: ServiceType, name: string | undefined): void => {
    if (!name) return;
    const service = observed.services.get(name);
    if (!service) errors.push(invalid(field, name, `service ${formatValue(name)} not found`));
    else errors.push(...validateService(rollout, { type, service }));
  };
  const bg = rollout.spec.strategy.blueGreen;
  if (bg) {
    need('spec.strategy.blueGreen.activeService', 'ActiveService', bg.activeService);
    need('spec.strategy.blueGreen.previewService', 'PreviewService', bg.previewService);
  }
  const canary = rollout.spec.strategy.canary;
  if (canary) {
    need('spec.strategy.canary.canaryService', 'CanaryService', canary.canaryService);
    need('spec.strategy.canary.stableService', 'StableService', canary.stableService);
    need('spec.strategy.canary.pingPong.pingService', 'PingService', canary.pingPong?.pingService);
    need('spec.strategy.canary.pingPong.pongService', 'PongService', canary.pingPong?.pongService);
    errors.push(...stableIngressErrors(rollout, observed));
  }
  const templates = { templates: observed.analysisTemplates, clusterTemplates: observed.clusterAnalysisTemplates };
  errors.push(...missingAnalysisTemplates(rollout, templates), ...unsupportedInReferencedTemplates(rollout, templates), ...analysisTemplateErrors(rollout, templates));
  if (rollout.spec.workloadRef && observed.workloadTemplate === null) {
    errors.push(invalid('spec.workloadRef.name', rollout.spec.workloadRef.name, `workload ${formatValue(rollout.spec.workloadRef.name)} not found`));
  }
  return errors;
}

/** Argo's getReferencedIngresses: each NGINX stable Ingress and ALB Ingress exists and routes to the Service it splits. */
function stableIngressErrors(rollout: Rollout, observed: Observed): FieldError[] {
  const routing = rollout.spec.strategy.canary?.trafficRouting;
  if (!routing || !observed.ingresses) return [];
  const { nginx, alb } = routing;
  const ROUTING = 'spec.strategy.canary.trafficRouting';
  const named = (singleField: string, single: string | undefined, listField: string, list: string[] | undefined): Array<[string, string]> => [
    ...(single ? [[`${ROUTING}.${singleField}`, single] as [string, string]] : []),
    ...(list ?? []).map((name) => [`${ROUTING}.${listField}`, name] as [string, string]),
  ];
  const errors: FieldError[] = [];
  const all = [
    ...(nginx ? named('nginx.stableIngress', nginx.stableIngress, 'nginx.stableIngresses', nginx.stableIngresses) : []),
    ...(alb ? named('alb.ingress', alb.ingress, 'alb.ingresses', alb.ingresses) : []),
  ];
  for (const [field, name] of all) {
    const ingress = observed.ingresses.get(name);
    if (!ingress) errors.push(invalid(field, name, `ingresses.networking.k8s.io "${name}" not found`));
    else errors.push(...validateIngress(rollout, ingress));
  }
  return errors;
}

/**
 * The ReplicaSet for the current template: an existing one (also one Argo Rollouts created), or a
 * new one to create. A name taken by a ReplicaSet with another template is a hash collision: the
 * collision count goes up and the hash is computed again, as Kubernetes does for Deployments.
 */
function resolveNewReplicaSet(rollout: Rollout, rss: V1ReplicaSet[], effects: Effect[]): { newRS: V1ReplicaSet; created: boolean; collisionCount?: number } {
  const existing = findNewReplicaSet(rollout, rss);
  if (existing) {
    const synced = syncedNewReplicaSet(rollout, existing, rss.filter((rs) => rs !== existing));
    if (synced) {
      effects.push({ kind: 'patchReplicaSet', name: existing.metadata?.name ?? '', patch: syncPatch(existing, synced), reason: 'sync revision' });
    }
    return { newRS: synced ?? existing, created: false, collisionCount: rollout.status?.collisionCount };
  }
  let collisionCount = rollout.status?.collisionCount;
  let hash = podTemplateHash(rollout.spec.template, collisionCount);
  for (let guard = 0; guard < 10; guard++) {
    const taken = rss.find((rs) => rs.metadata?.name === `${rollout.metadata.name}-${hash}`);
    if (!taken || templatesEqualIgnoringHash(taken.spec?.template, rollout.spec.template)) break;
    collisionCount = (collisionCount ?? 0) + 1;
    hash = podTemplateHash(rollout.spec.template, collisionCount);
  }
  const replicas = rollout.spec.strategy.blueGreen?.previewReplicaCount ?? replicasOrDefault(rollout);
  const firstDeploy = rss.every((rs) => (rs.spec?.replicas ?? 0) === 0);
  // A canary's ReplicaSet starts empty, as Argo creates it; the canary planner sizes it in the same pass.
  const initialReplicas = rollout.spec.strategy.canary ? 0 : firstDeploy ? replicasOrDefault(rollout) : replicas;
  const newRS = renderReplicaSet(rollout, hash, maxRevision(rss) + 1, initialReplicas, metadataForNewReplicaSet(rollout, findStableReplicaSet(rollout, rss) !== undefined));
  effects.push({ kind: 'createReplicaSet', replicaSet: newRS, reason: 'new pod template' });
  return { newRS, created: true, collisionCount };
}

/**
 * What Argo's syncReplicaSetRevision updates on the new ReplicaSet in place: the copied
 * annotations and revision, minReadySeconds and the injected anti-affinity rule.
 */
function syncPatch(existing: V1ReplicaSet, synced: V1ReplicaSet): ReplicaSetPatch {
  const patch: ReplicaSetPatch = { annotations: { ...synced.metadata?.annotations } };
  const minReadySeconds = synced.spec?.minReadySeconds ?? 0;
  if ((existing.spec?.minReadySeconds ?? 0) !== minReadySeconds) patch.minReadySeconds = minReadySeconds;
  const affinity = createMergePatch({ spec: { affinity: existing.spec?.template?.spec?.affinity ?? null } }, { spec: { affinity: synced.spec?.template?.spec?.affinity ?? null } });
  if (affinity) patch.template = affinity;
  return patch;
}

export function invalidSpecPlan(observed: Observed, errors: FieldError[]): Plan {
  const raw = observed.rollout;
  const message = invalidSpecMessage(raw.metadata.name, errors);
  // The warning is raised when the Rollout becomes invalid, for another reason or at a new
  // generation, not on every pass that finds it unchanged (an Istio recheck comes every few seconds).
  const previous = raw.status?.conditions?.find((c) => c.type === 'InvalidSpec' && c.status === 'True');
  const unchanged = previous?.message === message && raw.status?.observedGeneration === String(raw.metadata.generation ?? 0);
  return {
    effects: [],
    status: invalidSpecStatus(raw, message, observed.now),
    events: unchanged ? [] : [{ type: 'Warning', reason: 'InvalidSpec', message }],
    state: 'invalidSpec',
  };
}
