import { Counter, type Registry } from 'prom-client';
import { collectedGauge, type Sample } from '../../runtime/collected-gauge.ts';
import { replicasOrDefault } from '../../api/defaults.ts';
import type { RolloutObject, RolloutEvent } from '../types.ts';

/**
 * Argo Rollouts' per-rollout metrics (controller/metrics/rollouts.go), with Argo's names, labels and
 * phase calculation, so its dashboards and alerts read Ramp's /metrics unchanged: rollout_info,
 * rollout_info_replicas_{available,unavailable,desired,updated}, the deprecated rollout_phase, and
 * rollout_events_total. The gauges are computed from the informer cache at each scrape.
 */

/** Argo's RolloutPhase for metrics (not status.phase): from the Progressing and InvalidSpec conditions. */
export type MetricPhase = 'Completed' | 'Progressing' | 'Paused' | 'Timeout' | 'Error' | 'Abort' | 'InvalidSpec';
const DEPRECATED_PHASES: readonly MetricPhase[] = ['Completed', 'Progressing', 'Paused', 'Timeout', 'Error', 'Abort'];

const PROGRESSING_REASON_PHASE: Readonly<Record<string, MetricPhase>> = Object.freeze({
  NewReplicaSetAvailable: 'Completed',
  RolloutPaused: 'Paused',
  ReplicaSetCreateError: 'Error',
  ProgressDeadlineExceeded: 'Timeout',
  RolloutAborted: 'Abort',
});

interface Condition {
  type?: string;
  reason?: string;
}

export function metricPhase(rollout: RolloutObject): MetricPhase {
  const conditions = ((rollout.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
  if (conditions.some((c) => c.type === 'InvalidSpec')) return 'InvalidSpec';
  const reason = conditions.find((c) => c.type === 'Progressing')?.reason ?? '';
  return Object.hasOwn(PROGRESSING_REASON_PHASE, reason) ? PROGRESSING_REASON_PHASE[reason]! : 'Progressing';
}

/** Argo's getStrategyAndTrafficRouter: the last router in its order wins. */
export function strategyAndTrafficRouter(rollout: RolloutObject): { strategy: string; trafficRouter: string } {
  const strategy = (rollout.spec as { strategy?: { blueGreen?: unknown; canary?: { trafficRouting?: Record<string, unknown> } } } | undefined)?.strategy;
  if (strategy?.blueGreen) return { strategy: 'blueGreen', trafficRouter: '' };
  if (!strategy?.canary) return { strategy: 'none', trafficRouter: '' };
  const routing = strategy.canary.trafficRouting ?? {};
  let trafficRouter = '';
  for (const [field, name] of [['alb', 'ALB'], ['ambassador', 'Ambassador'], ['istio', 'Istio'], ['nginx', 'Nginx'], ['smi', 'SMI'], ['appMesh', 'AppMesh']] as const) {
    if (routing[field] !== undefined && routing[field] !== null) trafficRouter = name;
  }
  return { strategy: 'canary', trafficRouter };
}

interface RolloutSamples {
  info: Sample[];
  available: Sample[];
  unavailable: Sample[];
  desired: Sample[];
  updated: Sample[];
  phase: Sample[];
}

export function rolloutSamples(rollouts: readonly RolloutObject[]): RolloutSamples {
  const out: RolloutSamples = { info: [], available: [], unavailable: [], desired: [], updated: [], phase: [] };
  for (const rollout of rollouts) {
    const base = { namespace: rollout.metadata.namespace ?? '', name: rollout.metadata.name ?? '' };
    const status = (rollout.status ?? {}) as { replicas?: number; availableReplicas?: number; updatedReplicas?: number };
    const { strategy, trafficRouter } = strategyAndTrafficRouter(rollout);
    const phase = metricPhase(rollout);
    out.info.push({ labels: { ...base, strategy, traffic_router: trafficRouter, phase }, value: 1 });
    out.available.push({ labels: base, value: status.availableReplicas ?? 0 });
    out.unavailable.push({ labels: base, value: (status.replicas ?? 0) - (status.availableReplicas ?? 0) });
    const replicas = (rollout.spec as { replicas?: number } | undefined)?.replicas;
    out.desired.push({ labels: base, value: replicasOrDefault({ spec: { replicas } } as Parameters<typeof replicasOrDefault>[0]) });
    out.updated.push({ labels: base, value: status.updatedReplicas ?? 0 });
    for (const p of DEPRECATED_PHASES) out.phase.push({ labels: { ...base, strategy, phase: p }, value: p === phase ? 1 : 0 });
  }
  return out;
}


/** Registers Argo's rollout gauges on `registry` over `rollouts()`, and returns the event counter's increment. */
export function registerRolloutMetrics(registry: Registry, rollouts: () => readonly RolloutObject[]): (rollout: RolloutObject, event: RolloutEvent) => void {
  const source = (): RolloutSamples => rolloutSamples(rollouts());
  const nn = ['namespace', 'name'];
  collectedGauge(registry, 'rollout_info', 'Information about rollout.', [...nn, 'strategy', 'traffic_router', 'phase'], (s) => s.info, source);
  collectedGauge(registry, 'rollout_info_replicas_available', 'The number of available replicas per rollout.', nn, (s) => s.available, source);
  collectedGauge(registry, 'rollout_info_replicas_unavailable', 'The number of unavailable replicas per rollout.', nn, (s) => s.unavailable, source);
  collectedGauge(registry, 'rollout_info_replicas_desired', 'The number of desired replicas per rollout.', nn, (s) => s.desired, source);
  collectedGauge(registry, 'rollout_info_replicas_updated', 'The number of updated replicas per rollout.', nn, (s) => s.updated, source);
  collectedGauge(registry, 'rollout_phase', 'Information on the state of the rollout (DEPRECATED - use rollout_info)', [...nn, 'strategy', 'phase'], (s) => s.phase, source);
  const events = new Counter({ name: 'rollout_events_total', help: 'Count of rollout events', labelNames: [...nn, 'type', 'reason'], registers: [registry] });
  return (rollout, event) => events.inc({ namespace: rollout.metadata.namespace ?? '', name: rollout.metadata.name ?? '', type: event.type, reason: event.reason });
}
