import type { V1Deployment, V1Ingress, V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment } from '../api/index.ts';
import { reachableAnalysisTemplates } from './shared/analysis-templates.ts';
import type { IstioReferences } from '../api/validation/references.ts';
import { podLabelSelector, restartPending } from './shared/restart.ts';
import { strategyServiceNames } from './shared/referenced-services.ts';
import type { Observed, RolloutObject } from './types.ts';
import type { RouterReferences } from './shared/router-references.ts';
import type { StoredObject } from '../traffic/router.ts';

/** Read-only access to the informer caches: the only way a pass sees the cluster. */
export interface ClusterView {
  rollout(namespace: string, name: string): RolloutObject | undefined;
  replicaSetsOwnedBy(uid: string): V1ReplicaSet[];
  service(namespace: string, name: string): V1Service | undefined;
  /** The Services in the namespace whose managed-by annotation names the Rollout. */
  servicesManagedBy(namespace: string, rolloutName: string): V1Service[];
  analysisRunsOwnedBy(uid: string): AnalysisRun[];
  /** Experiments with an owner reference to the uid; none when the caller does not watch them. */
  experimentsOwnedBy?(uid: string): Experiment[];
  deployment(namespace: string, name: string): V1Deployment | undefined;
  analysisTemplate(namespace: string, name: string): AnalysisTemplate | undefined;
  clusterAnalysisTemplate(name: string): ClusterAnalysisTemplate | undefined;
  ingress(namespace: string, name: string): V1Ingress | undefined;
}

/**
 * The reads a pass needs beyond the always-synced caches: the Istio objects (from their informers
 * once Istio's CRDs are served and the caches synced, else at the apiserver) and pods (not cached,
 * so memory stays flat; read at the apiserver only while a restart is pending).
 */
export interface DirectReads {
  /** What `trafficRouting.istio` names; undefined when the spec has no Istio routing. */
  istioReferences(namespace: string, spec: unknown): Promise<(IstioReferences & { watched?: boolean }) | undefined>;
  /** What `trafficRouting.ambassador` and `.appMesh` name; undefined when the spec routes through neither. */
  routerReferences(namespace: string, spec: unknown): Promise<RouterReferences | undefined>;
  /** The pods in the namespace the label selector matches (every pod when it is undefined). */
  pods(namespace: string, labelSelector: string | undefined): Promise<V1Pod[]>;
  /** The DestinationRules whose managed-by annotation names the Rollout, from their informer; none while it does not run. */
  managedDestinationRules?(namespace: string, rollout: string): StoredObject[];
}

/** The Ingresses a canary routes through: NGINX's stableIngress(es) and ALB's ingress(es), as Argo's GetRolloutIngressKeys. */
export function referencedIngressNames(spec: unknown): string[] {
  const routing = (spec as { strategy?: { canary?: { trafficRouting?: Record<string, { [field: string]: unknown } | undefined> } } } | undefined)
    ?.strategy?.canary?.trafficRouting;
  const nginx = routing?.nginx;
  const alb = routing?.alb;
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const names = [nginx?.stableIngress, ...list(nginx?.stableIngresses), alb?.ingress, ...list(alb?.ingresses)];
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))];
}

const isControlledBy = (uid: string) => (obj: { metadata?: { ownerReferences?: Array<{ uid?: string; controller?: boolean }> } }): boolean =>
  (obj.metadata?.ownerReferences ?? []).some((ref) => ref.uid === uid && ref.controller === true);

/** The cached Rollout, unless it is gone or being deleted (then there is nothing to reconcile). */
export function liveRollout(view: ClusterView, namespace: string, name: string): RolloutObject | undefined {
  const rollout = view.rollout(namespace, name);
  if (!rollout || (rollout.metadata as { deletionTimestamp?: unknown }).deletionTimestamp) return undefined;
  return rollout;
}

/**
 * Gathers everything plan() looks at for one Rollout, the caches first and then the few direct
 * reads; undefined when the Rollout is gone. What it returns is not changed afterwards.
 */
export async function observe(view: ClusterView, direct: DirectReads, namespace: string, name: string, now: Date): Promise<Observed | undefined> {
  const cached = observeCaches(view, namespace, name, now);
  if (!cached) return undefined;
  const pods = restartPending(cached.rollout, now) ? await direct.pods(namespace, podLabelSelector(podSelector(cached))) : undefined;
  const istio = await direct.istioReferences(namespace, cached.rollout.spec);
  const routerReferences = await direct.routerReferences(namespace, cached.rollout.spec);
  const managed = direct.managedDestinationRules?.(namespace, name) ?? [];
  return {
    ...cached,
    ...(pods ? { pods } : {}),
    ...(istio ? { istio } : {}),
    ...(routerReferences ? { routerReferences } : {}),
    ...(managed.length > 0 ? { managedDestinationRules: managed } : {}),
  };
}

/** A restart looks at the pods of the Rollout's selector, or of its workloadRef Deployment's. */
function podSelector(observed: Observed): { matchLabels?: Record<string, string> } | undefined {
  return (observed.rollout.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector ?? observed.workloadTemplate?.selector;
}

function observeCaches(view: ClusterView, namespace: string, name: string, now: Date): Observed | undefined {
  const rollout = liveRollout(view, namespace, name);
  if (!rollout) return undefined;
  const uid = rollout.metadata.uid;
  const services = new Map<string, V1Service>();
  for (const serviceName of strategyServiceNames(rollout.spec)) {
    const svc = view.service(namespace, serviceName);
    if (svc) services.set(serviceName, svc);
  }
  const workloadRef = (rollout.spec as { workloadRef?: { name?: string; kind?: string } } | undefined)?.workloadRef;
  let workloadTemplate: Observed['workloadTemplate'];
  if (workloadRef?.name) {
    const deployment = view.deployment(namespace, workloadRef.name);
    workloadTemplate = deployment
      ? { template: deployment.spec?.template, selector: deployment.spec?.selector, generation: deployment.metadata?.generation, replicas: deployment.spec?.replicas ?? 1 }
      : null;
  }
  const ingresses = new Map<string, V1Ingress>();
  for (const ingressName of referencedIngressNames(rollout.spec)) {
    const ingress = view.ingress(namespace, ingressName);
    if (ingress) ingresses.set(ingressName, ingress);
  }
  const { templates: analysisTemplates, clusterTemplates: clusterAnalysisTemplates } = reachableAnalysisTemplates(rollout.spec, {
    template: (templateName) => view.analysisTemplate(namespace, templateName),
    clusterTemplate: (templateName) => view.clusterAnalysisTemplate(templateName),
  });
  return {
    rollout,
    replicaSets: view.replicaSetsOwnedBy(uid).filter(isControlledBy(uid)),
    services,
    managedServices: view.servicesManagedBy(namespace, name),
    ingresses,
    analysisRuns: view.analysisRunsOwnedBy(uid).filter(isControlledBy(uid)),
    ...(view.experimentsOwnedBy ? { experiments: view.experimentsOwnedBy(uid).filter(isControlledBy(uid)) } : {}),
    workloadTemplate,
    analysisTemplates,
    clusterAnalysisTemplates,
    now,
  };
}
