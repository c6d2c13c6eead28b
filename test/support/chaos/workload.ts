/**
 * What the chaos run deploys: a mix of strategies, each Rollout with one replica and the objects
 * it names, in one namespace. Index i picks the kind, so a run with the same count deploys the same.
 */
import type { KubeObject } from '../../../controller/kube/resources.ts';
import { canaryRollout, ingress, rollout, service, successRateTemplate } from '../rollouts.ts';

export const WORKLOAD_KINDS = ['bluegreen', 'canary', 'analysis-pass', 'analysis-fail', 'nginx', 'istio'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** By index mod 10: a fifth each blue-green, basic canary, NGINX and Istio; a tenth each analysis passing and failing. */
const BY_TENTH: readonly WorkloadKind[] = ['bluegreen', 'bluegreen', 'canary', 'canary', 'analysis-pass', 'analysis-fail', 'nginx', 'nginx', 'istio', 'istio'];

export const kindOf = (i: number): WorkloadKind => BY_TENTH[i % BY_TENTH.length]!;
export const rolloutName = (i: number): string => `r-${String(i).padStart(4, '0')}`;
export const ANALYSIS_TEMPLATE = 'success-rate';
/** The Prometheus series the analysis reads: one service name passes, the other fails. */
export const SUCCESS_RATIOS = { good: 0.99, bad: 0.5 } as const;
export const IMAGE = (version: number): string => `registry.local/app:v${version}`;

const OPTIONS = { replicas: 1, revisionHistoryLimit: 2, image: IMAGE(1) };

/** Steps of the routed canaries: a pause a user must promote, then a timed one. */
const ROUTED_STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '5s' } }];

function analysisSteps(serviceName: keyof typeof SUCCESS_RATIOS): unknown[] {
  return [
    { setWeight: 25 },
    { analysis: { templates: [{ templateName: ANALYSIS_TEMPLATE }], args: [{ name: 'service-name', value: serviceName }] } },
    { pause: {} },
  ];
}

/** The Rollout of index i and the objects it names (Services, Ingress, VirtualService), in creation order. */
export function workload(i: number): { kind: WorkloadKind; objects: KubeObject[] } {
  const n = rolloutName(i);
  const kind = kindOf(i);
  switch (kind) {
    case 'bluegreen':
      return {
        kind,
        objects: [
          service(`${n}-active`, n),
          service(`${n}-preview`, n),
          rollout(n, { blueGreen: { activeService: `${n}-active`, previewService: `${n}-preview`, autoPromotionEnabled: false, scaleDownDelaySeconds: 5 } }, OPTIONS),
        ],
      };
    case 'canary':
      return { kind, objects: [canaryRollout(n, { steps: [{ setWeight: 50 }, { pause: {} }, { pause: { duration: '5s' } }] }, OPTIONS)] };
    case 'analysis-pass':
    case 'analysis-fail':
      return { kind, objects: [canaryRollout(n, { steps: analysisSteps(kind === 'analysis-pass' ? 'good' : 'bad') }, OPTIONS)] };
    case 'nginx':
      return { kind, objects: routedCanary(n, ingress(n, `${n}-stable`), { nginx: { stableIngress: n } }) };
    case 'istio': {
      const vs = {
        apiVersion: 'networking.istio.io/v1alpha3',
        kind: 'VirtualService',
        metadata: { name: `${n}-vs` },
        spec: { hosts: [n], http: [{ name: 'primary', route: [{ destination: { host: `${n}-stable` }, weight: 100 }, { destination: { host: `${n}-canary` }, weight: 0 }] }] },
      } as KubeObject;
      return { kind, objects: routedCanary(n, vs, { istio: { virtualService: { name: `${n}-vs`, routes: ['primary'] } } }) };
    }
  }
}

/** A canary routed by `trafficRouting` through its stable and canary Services and the route object the user owns. */
function routedCanary(n: string, route: KubeObject, trafficRouting: Record<string, unknown>): KubeObject[] {
  const canary = { stableService: `${n}-stable`, canaryService: `${n}-canary`, abortScaleDownDelaySeconds: 2, trafficRouting, steps: ROUTED_STEPS };
  return [service(`${n}-stable`, n), service(`${n}-canary`, n), route, canaryRollout(n, canary, OPTIONS)];
}

/** The AnalysisTemplate the analysis canaries run: two measurements 5 s apart against Prometheus. */
export function analysisTemplate(prometheusUrl: string): KubeObject {
  return successRateTemplate(ANALYSIS_TEMPLATE, prometheusUrl, { interval: '5s', count: 2 });
}

/** The canary weight a routed Rollout's traffic object carries, or undefined when it has no route yet. */
export function routedWeight(kind: WorkloadKind, name: string, get: (kindName: 'ingress' | 'virtualservice', objectName: string) => KubeObject | undefined): number | undefined {
  if (kind === 'nginx') {
    const canary = get('ingress', `${name}-${name}-canary`);
    const weight = canary?.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
    return weight === undefined ? (canary ? 0 : undefined) : Number(weight);
  }
  if (kind === 'istio') {
    const vs = get('virtualservice', `${name}-vs`) as { spec?: { http?: Array<{ name?: string; route?: Array<{ destination?: { host?: string }; weight?: number }> }> } } | undefined;
    const route = vs?.spec?.http?.find((r) => r.name === 'primary')?.route?.find((d) => d.destination?.host === `${name}-canary`);
    return route ? (route.weight ?? 0) : undefined;
  }
  return undefined;
}
