import type { V1Deployment, V1Ingress, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate } from '../api/index.ts';
import { referencedAnalysisTemplates } from './shared/analysis-templates.ts';
import type { Observed, RolloutObject } from './types.ts';

/** Read-only access to the informer caches: the only way a pass sees the cluster. */
export interface ClusterView {
  rollout(namespace: string, name: string): RolloutObject | undefined;
  replicaSetsOwnedBy(uid: string): V1ReplicaSet[];
  service(namespace: string, name: string): V1Service | undefined;
  analysisRunsOwnedBy(uid: string): AnalysisRun[];
  deployment(namespace: string, name: string): V1Deployment | undefined;
  analysisTemplate(namespace: string, name: string): AnalysisTemplate | undefined;
  clusterAnalysisTemplate(name: string): ClusterAnalysisTemplate | undefined;
  ingress(namespace: string, name: string): V1Ingress | undefined;
}

/** The NGINX stable Ingresses a canary routes through (Argo's stableIngress and stableIngresses). */
export function stableIngressNames(spec: unknown): string[] {
  const nginx = (spec as { strategy?: { canary?: { trafficRouting?: { nginx?: { stableIngress?: unknown; stableIngresses?: unknown } } } } } | undefined)
    ?.strategy?.canary?.trafficRouting?.nginx;
  if (!nginx) return [];
  const names = [nginx.stableIngress, ...(Array.isArray(nginx.stableIngresses) ? nginx.stableIngresses : [])];
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))];
}

function strategyServiceNames(spec: unknown): string[] {
  const strategy = (spec as { strategy?: { blueGreen?: Record<string, unknown>; canary?: Record<string, unknown> } } | undefined)?.strategy;
  const names = [
    strategy?.blueGreen?.activeService,
    strategy?.blueGreen?.previewService,
    strategy?.canary?.canaryService,
    strategy?.canary?.stableService,
  ];
  return names.filter((n): n is string => typeof n === 'string' && n !== '');
}

const isControlledBy = (uid: string) => (obj: { metadata?: { ownerReferences?: Array<{ uid?: string; controller?: boolean }> } }): boolean =>
  (obj.metadata?.ownerReferences ?? []).some((ref) => ref.uid === uid && ref.controller === true);

/** Gathers what plan() needs for one Rollout; undefined when the Rollout is gone. */
export function observe(view: ClusterView, namespace: string, name: string, now: Date): Observed | undefined {
  const rollout = view.rollout(namespace, name);
  if (!rollout || (rollout.metadata as { deletionTimestamp?: unknown }).deletionTimestamp) return undefined;
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
  for (const ingressName of stableIngressNames(rollout.spec)) {
    const ingress = view.ingress(namespace, ingressName);
    if (ingress) ingresses.set(ingressName, ingress);
  }
  const referenced = referencedAnalysisTemplates(rollout.spec);
  const analysisTemplates = new Map<string, AnalysisTemplate>();
  for (const templateName of referenced.templates) {
    const template = view.analysisTemplate(namespace, templateName);
    if (template) analysisTemplates.set(templateName, template);
  }
  const clusterAnalysisTemplates = new Map<string, ClusterAnalysisTemplate>();
  for (const templateName of referenced.clusterTemplates) {
    const template = view.clusterAnalysisTemplate(templateName);
    if (template) clusterAnalysisTemplates.set(templateName, template);
  }
  return {
    rollout,
    replicaSets: view.replicaSetsOwnedBy(uid).filter(isControlledBy(uid)),
    services,
    ingresses,
    analysisRuns: view.analysisRunsOwnedBy(uid).filter(isControlledBy(uid)),
    workloadTemplate,
    analysisTemplates,
    clusterAnalysisTemplates,
    now,
  };
}
