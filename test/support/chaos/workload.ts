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
  const opts = { replicas: 1, revisionHistoryLimit: 2, image: IMAGE(1) };
  switch (kind) {
    case 'bluegreen':
      return {
        kind,
        objects: [
          service(`${n}-active`, n),
          service(`${n}-preview`, n),
          rollout(n, { blueGreen: { activeService: `${n}-active`, previewService: `${n}-preview`, autoPromotionEnabled: false, scaleDownDelaySeconds: 5 } }, opts),
        ],
      };
    case 'canary':
      return { kind, objects: [canaryRollout(n, { steps: [{ setWeight: 50 }, { pause: {} }, { pause: { duration: '5s' } }] }, opts)] };
    case 'analysis-pass':
    case 'analysis-fail':
      return { kind, objects: [canaryRollout(n, { steps: analysisSteps(kind === 'analysis-pass' ? 'good' : 'bad') }, opts)] };
    case 'nginx':
      return {
        kind,
        objects: [
          service(`${n}-stable`, n),
          service(`${n}-canary`, n),
          ingress(n, `${n}-stable`),
          canaryRollout(n, { stableService: `${n}-stable`, canaryService: `${n}-canary`, abortScaleDownDelaySeconds: 2, trafficRouting: { nginx: { stableIngress: n } }, steps: ROUTED_STEPS }, opts),
        ],
      };
    case 'istio':
      return {
        kind,
        objects: [
          service(`${n}-stable`, n),
          service(`${n}-canary`, n),
          {
            apiVersion: 'networking.istio.io/v1alpha3',
            kind: 'VirtualService',
            metadata: { name: `${n}-vs` },
            spec: { hosts: [n], http: [{ name: 'primary', route: [{ destination: { host: `${n}-stable` }, weight: 100 }, { destination: { host: `${n}-canary` }, weight: 0 }] }] },
          } as KubeObject,
          canaryRollout(n, { stableService: `${n}-stable`, canaryService: `${n}-canary`, abortScaleDownDelaySeconds: 2, trafficRouting: { istio: { virtualService: { name: `${n}-vs`, routes: ['primary'] } } }, steps: ROUTED_STEPS }, opts),
        ],
      };
  }
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
