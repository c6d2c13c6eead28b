import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { controllerNamespace, type Config } from './config.ts';
import { backoffDelay, reconnectBackoff } from '../kube/backoff.ts';
import { KubeClient } from '../kube/client.ts';
import { loadKubeConfig } from '../kube/kubeconfig.ts';
import { sleep, systemClock, type Clock } from '../kube/clock.ts';
import { describeKubeError } from '../kube/errors.ts';
import { LeaderElector, type LeaderElectionTiming } from '../kube/leader-election.ts';
import { kubeLeaseStore } from '../kube/lease-store.ts';
import { EVENTS, type KubeObject } from '../kube/resources.ts';
import { objectKey } from '../kube/store.ts';
import { FIELD_MANAGER } from '../api/labels.ts';
import { EventSink } from './event-sink.ts';
import { eventObject } from './events.ts';
import type { Informer } from '../kube/informer.ts';
import { startServers, type Readiness, type Servers } from '../server/server.ts';
import { InformerSet, kubeInformerFactory, kubeOptionalInformers } from './caches.ts';
import { Controller } from './controller.ts';
import { createLogger } from './logger.ts';
import { readinessOf } from './readiness.ts';
import { collectProcessMetrics, createRuntimeMetrics, type RuntimeMetrics } from './metrics.ts';
import type { EventListener, EventListenerSetup, ObjectListener, ReconcilerContext, ReconcilerRegistration } from './types.ts';

/** How long a stopping controller gives the Events still queued to be written. */
const EVENT_FLUSH_MS = 2_000;

/**
 * Wires config → client → informers → (leader election) → queues and workers → servers.
 * Every cluster-side failure (bad kubeconfig, unreachable apiserver, missing permission) is
 * logged as one line and retried with backoff; nothing here exits the process.
 */

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** A registry to add to; a fresh one with process metrics otherwise. */
  registry?: Registry;
  /** Use these credentials instead of loading config.kubeconfig. */
  kubeConfig?: KubeConfig;
  /** Interface the servers bind; all interfaces by default. */
  host?: string;
  leaderElectionTiming?: LeaderElectionTiming;
  /** What hears the events the reconcilers record (notifications). */
  listeners?: readonly EventListenerSetup[];
}

export interface ControllerHandle {
  readonly metricsPort: number;
  readonly healthzPort: number;
  readonly registry: Registry;
  readiness(): Readiness;
  isLeader(): boolean;
  /**
   * Graceful shutdown: stop taking work, let in-flight reconciles finish within
   * --shutdown-grace-seconds, release the Lease, stop the informers, close the servers.
   */
  stop(): Promise<void>;
  /**
   * Settles with the error when the runtime could not be set up for a reason retrying cannot fix
   * (a reconciler's setup threw): the process should exit rather than stay up never reconciling.
   * Cluster-side failures are retried and never settle it.
   */
  readonly failed: Promise<unknown>;
}

interface Wired {
  registration: ReconcilerRegistration;
  controller: Controller;
  primary: Informer<KubeObject>;
}

const METRIC_STEM = /^[a-z][a-z0-9_]*$/;

function checkRegistrations(registrations: readonly ReconcilerRegistration[]): void {
  const seen = new Set<string>();
  for (const r of registrations) {
    if (!METRIC_STEM.test(r.name)) throw new Error(`reconciler name "${r.name}" must be a metric name stem like "rollout" or "analysis_run"`);
    if (seen.has(r.name)) throw new Error(`reconciler "${r.name}" is registered twice`);
    seen.add(r.name);
  }
}

export async function startController(
  config: Config,
  registrations: readonly ReconcilerRegistration[],
  options: StartOptions = {},
): Promise<ControllerHandle> {
  checkRegistrations(registrations);
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? new Registry();
  if (!options.registry) collectProcessMetrics(registry);
  const metrics: RuntimeMetrics = createRuntimeMetrics(registry);

  const life = new AbortController();
  const electionAbort = new AbortController();
  let phase: 'connecting' | 'running' | 'stopping' = 'connecting';
  let connectProblem: string | undefined;
  let kube: KubeClient | undefined;
  let informers: InformerSet | undefined;
  let wired: Wired[] = [];
  let events: EventSink | undefined;
  let elector: LeaderElector | undefined;
  let election: Promise<void> | undefined;
  let leading = false;
  let termAbort: AbortController | undefined;
  let termStart: Promise<void> | undefined;

  const readiness = (): Readiness =>
    readinessOf({
      phase: informers ? phase : phase === 'stopping' ? 'stopping' : 'connecting',
      connectProblem,
      unsyncedCaches: informers?.unsynced() ?? [],
      leading,
      idleControllers: wired.filter((w) => !w.controller.running()).map((w) => w.registration.name),
    });

  const servers: Servers = await startServers({
    registry,
    health: { readiness },
    metricsPort: config.metricsPort,
    healthzPort: config.healthzPort,
    host: options.host,
  });
  logger.info({ metricsPort: servers.metricsPort, healthzPort: servers.healthzPort }, 'serving /metrics, /healthz and /readyz');

  const beginTerm = (): void => {
    if (phase === 'stopping' || !informers) return;
    leading = true;
    const abort = new AbortController();
    termAbort = abort;
    const caches = informers;
    termStart = (async () => {
      const synced = await caches.waitForSync(abort.signal);
      // Reconciles of a lost term may still be winding down; never run two terms' passes at once.
      await Promise.all(wired.map((w) => w.controller.settled()));
      if (!synced || abort.signal.aborted) return;
      // A new leader reconciles everything once: the previous one may have stopped mid-way.
      for (const w of wired) w.controller.start(w.primary.store.keys());
    })();
  };

  const endTermNow = (): void => {
    leading = false;
    termAbort?.abort();
    for (const w of wired) void w.controller.abort();
  };

  async function connect(): Promise<KubeClient | undefined> {
    let attempt = 0;
    while (!life.signal.aborted) {
      try {
        const kubeConfig = options.kubeConfig ?? loadKubeConfig(config.kubeconfig, config.context);
        const client = new KubeClient(kubeConfig, {
          observe: metrics.observeRequest,
          rateLimit: { qps: config.qps, burst: config.burst, clock, waited: metrics.rateLimiterWaited, retryingAfter: metrics.retriedAfter },
        });
        const version = await client.serverVersion({ signal: life.signal });
        logger.info(
          { server: client.server, context: kubeConfig.getCurrentContext(), version: version.gitVersion },
          `connected to the apiserver at ${client.server} (${version.gitVersion ?? 'unknown version'})`,
        );
        connectProblem = undefined;
        return client;
      } catch (err) {
        if (life.signal.aborted) return undefined;
        attempt += 1;
        const line = describeKubeError(err);
        const waitMs = backoffDelay(reconnectBackoff, attempt);
        if (line !== connectProblem) logger.warn({ attempt, retryInMs: waitMs }, `${line}; retrying with backoff`);
        else logger.debug({ attempt, retryInMs: waitMs }, `${line}; retrying in ${Math.round(waitMs / 1000)}s`);
        connectProblem = line;
        await sleep(clock, waitMs, life.signal);
      }
    }
    return undefined;
  }

  let listeners: Array<ReturnType<EventListenerSetup['setup']>> = [];
  function wire(client: KubeClient, caches: InformerSet): Wired[] {
    const namespace = controllerNamespace(config, client.contextNamespace);
    listeners = (options.listeners ?? []).map((l) => l.setup({ client, caches, config, clock, logger: logger.child({ component: l.name }), namespace }));
    // A listener's failure is its own: it never reaches the pass that called it.
    const each = (call: (l: (typeof listeners)[number]) => void): void => {
      for (const l of listeners) {
        try {
          call(l);
        } catch (err) {
          logger.error({ err }, 'an event listener failed');
        }
      }
    };
    const recorded: EventListener = (kind, involved, event) => each((l) => l.recorded(kind, involved, event));
    const sink = new EventSink({
      send: (event, signal) => client.inLane('event', () => client.create(EVENTS, event, { fieldManager: FIELD_MANAGER, signal })),
      dropped: metrics.eventDropped,
      failed: (err) => logger.debug({ err }, `an Event was not recorded: ${describeKubeError(err)}`),
    });
    events = sink;
    const recordEvent = (kind: string, involved: KubeObject, event: Parameters<EventListener>[2]): boolean => {
      const queued = sink.record(eventObject(kind, involved, event, new Date(clock.now())), objectKey(involved));
      recorded(kind, involved, event);
      return queued;
    };
    const observed: ObjectListener = (kind, object) => each((l) => l.observed(kind, object));
    return registrations.map((registration) => {
      const primary = caches.informer<KubeObject>(registration.resource);
      const holder: { controller?: Controller } = {};
      const ctx: ReconcilerContext = {
        client,
        caches,
        config,
        clock,
        logger: logger.child({ controller: registration.name }),
        enqueue: (key) => holder.controller?.enqueue(key),
        enqueueAfter: (key, ms) => holder.controller?.enqueueAfter(key, ms),
        recordEvent,
        recorded,
        observed,
      };
      const reconcile = registration.setup(ctx);
      const controller = new Controller({
        name: registration.name,
        reconcile,
        workers: registration.workers ?? config.workers,
        clock,
        logger,
        metrics: metrics.reconcile(registration.name),
        queueMetrics: metrics.workQueue(registration.name),
        isLive: (key) => primary.get(key) !== undefined,
        laneOf: (key) => {
          const obj = primary.get(key);
          return obj !== undefined && registration.commandPending?.(obj) ? 'command' : 'background';
        },
        inLane: (lane, pass) => client.inLane(lane, pass),
      });
      holder.controller = controller;
      const enqueueObject = (obj: KubeObject): void => controller.enqueue(objectKey(obj));
      primary.addHandlers({ add: enqueueObject, update: (_previous, current) => enqueueObject(current), delete: enqueueObject });
      for (const watch of registration.watches ?? []) {
        const enqueueKeys = (obj: KubeObject): void => {
          for (const key of watch.keysFor(obj, caches)) controller.enqueue(key);
        };
        caches.informer<KubeObject>(watch.resource).addHandlers({
          add: enqueueKeys,
          // Both: an owner reference or a selector may have moved from one primary to another.
          update: (previous, current) => {
            if (previous !== current) enqueueKeys(previous);
            enqueueKeys(current);
          },
          delete: enqueueKeys,
        });
      }
      return { registration, controller, primary };
    });
  }

  let reportFailure: (err: unknown) => void = () => {};
  const failed = new Promise<unknown>((resolve) => {
    reportFailure = resolve;
  });
  const lifecycle = (async () => {
    const client = await connect();
    if (!client || life.signal.aborted) return;
    kube = client;
    const caches = new InformerSet(kubeInformerFactory({ client, config, clock, logger }), kubeOptionalInformers({ client, config, clock, logger }));
    wired = wire(client, caches);
    informers = caches;
    caches.startAll();
    phase = 'running';
    if (!config.leaderElect) {
      logger.info('leader election disabled: reconciling as the only controller');
      beginTerm();
      return;
    }
    const store = kubeLeaseStore(client, controllerNamespace(config, client.contextNamespace), config.leaseName);
    metrics.setLeader(config.leaseName, false);
    elector = new LeaderElector({
      store,
      identity: config.identity,
      clock,
      logger,
      timing: options.leaderElectionTiming,
      onStartedLeading: () => {
        metrics.setLeader(config.leaseName, true);
        beginTerm();
      },
      onStoppedLeading: () => {
        metrics.setLeader(config.leaseName, false);
        endTermNow();
      },
    });
    election = elector.run(electionAbort.signal);
  })().catch((err: unknown) => {
    logger.error({ err }, `controller runtime failed to start: ${describeKubeError(err)}`);
    reportFailure(err);
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      phase = 'stopping';
      life.abort();
      await lifecycle;
      const graceMs = config.shutdownGraceSeconds * 1000;
      termAbort?.abort();
      await termStart;
      // Still holding the Lease here, so no other controller reconciles while work finishes.
      await Promise.all(wired.map((w) => w.controller.stop(graceMs)));
      electionAbort.abort();
      await election;
      leading = false;
      await Promise.all(listeners.map((l) => l.stop()));
      await events?.close(EVENT_FLUSH_MS);
      await informers?.stopAll();
      kube?.close();
      await servers.close();
      logger.info('controller stopped');
    })();
    return stopping;
  };

  return {
    metricsPort: servers.metricsPort,
    healthzPort: servers.healthzPort,
    registry,
    readiness,
    isLeader: () => leading,
    stop,
    failed,
  };
}
