import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RequestObserver } from '../kube/counting-http.ts';
import type { WorkQueueMetrics } from '../kube/workqueue.ts';
import type { RequestLane } from '../kube/token-bucket.ts';
import { splitKey } from '../kube/store.ts';

/**
 * The controller's own Prometheus metrics, named as Argo Rollouts names them so existing
 * dashboards keep working: controller_clientset_k8s_request_total, <kind>_reconcile,
 * <kind>_reconcile_error, and client-go's workqueue_* and leader_election_master_status.
 */

export interface ReconcileMetrics {
  observe(key: string, seconds: number): void;
  error(key: string): void;
  /** Drops the object's series once it is deleted, so series track live objects only. */
  forget(key: string): void;
}

export interface RuntimeMetrics {
  readonly registry: Registry;
  readonly observeRequest: RequestObserver;
  workQueue(name: string): WorkQueueMetrics;
  /** `prefix` is Argo's metric stem: "rollout" gives rollout_reconcile and rollout_reconcile_error. */
  reconcile(prefix: string): ReconcileMetrics;
  /** client-go's leader_election_master_status; `name` is the Lease name. */
  setLeader(leaseName: string, leading: boolean): void;
  /** Seconds a request waited for a token of the client-side rate limit, per lane. */
  rateLimiterWaited(lane: RequestLane, seconds: number): void;
  /** A 429 (or a 5xx with Retry-After) the client waits out and retries. */
  retriedAfter(statusCode: number): void;
  /** A Kubernetes Event dropped: its queue was full, or it was still queued at shutdown. */
  eventDropped(): void;
}

/** Seconds, from a free token to a rate limit or queue backlog of minutes. */
const WAIT_BUCKETS = [0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Argo Rollouts' buckets for reconcile durations, in seconds. */
const RECONCILE_BUCKETS = [0.01, 0.15, 0.25, 0.5, 1];

export function createRuntimeMetrics(registry: Registry): RuntimeMetrics {
  const requests = new Counter({
    name: 'controller_clientset_k8s_request_total',
    help: 'Number of kubernetes requests executed during application reconciliation.',
    labelNames: ['kind', 'verb', 'status_code'] as const,
    registers: [registry],
  });
  const depth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'] as const, registers: [registry] });
  const adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'] as const, registers: [registry] });
  const retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'] as const, registers: [registry] });
  const leader = new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
    labelNames: ['name'] as const,
    registers: [registry],
  });
  const waits = <L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> =>
    new Histogram({ name, help, labelNames, buckets: WAIT_BUCKETS, registers: [registry] });
  const queueWait = waits('workqueue_queue_duration_seconds', 'How long in seconds an item stays in workqueue before being requested, per lane (command, background).', ['name', 'lane']);
  const limiterWait = waits('ramp_client_rate_limiter_wait_seconds', 'How long in seconds a request waited for the client-side rate limit (--qps, --burst), per lane (lease, command, background, event).', ['lane']);
  const retryAfter = new Counter({
    name: 'ramp_client_retry_after_total',
    help: 'Requests the apiserver answered with 429 (or a 5xx with Retry-After) that were retried after the wait it asked for.',
    labelNames: ['status_code'] as const,
    registers: [registry],
  });
  const eventsDropped = new Counter({
    name: 'ramp_events_dropped_total',
    help: 'Kubernetes Events not written because their queue was full (as client-go drops them) or the controller stopped first.',
    registers: [registry],
  });
  const reconcilers = new Map<string, ReconcileMetrics>();

  return {
    registry,
    observeRequest: ({ verb, kind, statusCode }) => requests.inc({ kind, verb, status_code: String(statusCode) }),
    workQueue(name) {
      depth.set({ name }, 0);
      return {
        depth: (n) => depth.set({ name }, n),
        added: () => adds.inc({ name }),
        retried: () => retries.inc({ name }),
        waited: (lane, seconds) => queueWait.observe({ name, lane }, seconds),
      };
    },
    reconcile(prefix) {
      const existing = reconcilers.get(prefix);
      if (existing) return existing;
      const duration = new Histogram({
        name: `${prefix}_reconcile`,
        help: `${prefix} reconciliation performance.`,
        labelNames: ['namespace', 'name'] as const,
        buckets: RECONCILE_BUCKETS,
        registers: [registry],
      });
      const errors = new Counter({
        name: `${prefix}_reconcile_error`,
        help: `Error occurring during the ${prefix}`,
        labelNames: ['namespace', 'name'] as const,
        registers: [registry],
      });
      const labels = (key: string): { namespace: string; name: string } => {
        const { namespace, name } = splitKey(key);
        return { namespace: namespace ?? '', name };
      };
      const metrics: ReconcileMetrics = {
        observe: (key, seconds) => duration.observe(labels(key), seconds),
        error: (key) => errors.inc(labels(key)),
        forget: (key) => {
          duration.remove(labels(key));
          errors.remove(labels(key));
        },
      };
      reconcilers.set(prefix, metrics);
      return metrics;
    },
    setLeader: (leaseName, leading) => leader.set({ name: leaseName }, leading ? 1 : 0),
    rateLimiterWaited: (lane, seconds) => limiterWait.observe({ lane }, seconds),
    retriedAfter: (statusCode) => retryAfter.inc({ status_code: String(statusCode) }),
    eventDropped: () => eventsDropped.inc(),
  };
}

/**
 * Node's process metrics (memory, CPU, GC, event-loop lag) on `registry`. The event-loop delay is
 * sampled every 100 ms rather than prom-client's 10 ms: each sample wakes the idle process, and at
 * 10 ms those wake-ups alone cost about 0.1 % of a core with nothing to do.
 */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
}
