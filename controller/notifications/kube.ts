// Notifications over the cluster: the ConfigMap and Secret read through
// informers of their own (the controller's namespace, each by name, so no
// other ConfigMap or Secret is listed), the notified annotation written with
// a merge patch, Warning events through the one event builder.
import { FIELD_MANAGER, NOTIFIED_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../api/labels.ts';
import type { KubeClient } from '../kube/client.ts';
import { sleep, type Clock } from '../kube/clock.ts';
import { Informer, kubeListWatch } from '../kube/informer.ts';
import { ANALYSIS_RUNS, CONFIG_MAPS, EVENTS, EXPERIMENTS, ROLLOUTS, SECRETS, type KubeObject, type ResourceType } from '../kube/resources.ts';
import { eventObject } from '../runtime/events.ts';
import type { Caches } from '../runtime/types.ts';
import type { Logger } from 'pino';
import type { HttpPort } from '../http/client.ts';
import type { NotificationSource, NotifierPorts } from './notifier.ts';
import type { SmtpPort } from './services/smtp.ts';
import { NOTIFICATION_CONFIGMAP, NOTIFICATION_SECRET, secretText } from './config.ts';

export { NOTIFICATION_CONFIGMAP, NOTIFICATION_SECRET };

/** How long a delivery waits for the ConfigMap and Secret caches after the controller starts. */
const SYNC_WAIT_MS = 30_000;

const KINDS: Record<string, ResourceType> = { Rollout: ROLLOUTS, AnalysisRun: ANALYSIS_RUNS, Experiment: EXPERIMENTS };

interface DataObject extends KubeObject {
  data?: Record<string, string>;
}

export interface NotificationInformers {
  source: NotificationSource;
  start(): void;
  stop(): Promise<void>;
}

interface Watched {
  /** A namespace, or undefined for all. */
  scope: string | undefined;
  configMaps: Informer<DataObject>;
  secrets: Informer<DataObject>;
}

/**
 * `namespace` is the controller's; with `selfService`, the two objects are also watched by name in
 * the namespace the controller watches (`watched`), or in all when it watches all.
 */
export function notificationInformers(deps: { client: KubeClient; namespace: string; selfService: boolean; watched?: string; clock: Clock; logger: Logger; resyncMs: number }): NotificationInformers {
  const scopes = !deps.selfService ? [deps.namespace] : deps.watched === undefined ? [undefined] : [...new Set([deps.watched, deps.namespace])];
  const informer = (type: ResourceType, name: string, scope: string | undefined): Informer<DataObject> =>
    new Informer<DataObject>({
      name: `${type.plural} ${scope ?? '*'}/${name}`,
      source: kubeListWatch<DataObject>(deps.client, type, { namespace: scope, fieldSelector: `metadata.name=${name}` }),
      clock: deps.clock,
      logger: deps.logger,
      resyncMs: deps.resyncMs,
    });
  const watched: Watched[] = scopes.map((scope) => ({ scope, configMaps: informer(CONFIG_MAPS, NOTIFICATION_CONFIGMAP, scope), secrets: informer(SECRETS, NOTIFICATION_SECRET, scope) }));
  const informers = watched.flatMap((w) => [w.configMaps, w.secrets]);
  const stopped = new AbortController();
  let waited = false;
  const allSynced = (): boolean => informers.every((i) => i.hasSynced());
  // The first reads wait (a bounded time) for the caches; once that wait is over, later reads take
  // what the caches hold, so a missing permission never holds deliveries up again.
  const synced = async (): Promise<boolean> => {
    if (allSynced() || waited) return allSynced();
    const timeout = new AbortController();
    void sleep(deps.clock, SYNC_WAIT_MS, stopped.signal).then(() => timeout.abort());
    const signal = AbortSignal.any([timeout.signal, stopped.signal]);
    const done = (await Promise.all(informers.map((i) => i.waitForSync(signal)))).every(Boolean);
    timeout.abort();
    waited = true;
    if (!done) deps.logger.warn(`notifications: ${NOTIFICATION_CONFIGMAP} and ${NOTIFICATION_SECRET} in ${scopes.map((s) => s ?? 'all namespaces').join(', ')} could not be read yet; nothing is sent until they are`);
    return done;
  };
  return {
    source: {
      async read(namespace) {
        const w = watched.find((x) => x.scope === undefined || x.scope === namespace);
        if (!w || !(await synced())) return undefined;
        const cm = w.configMaps.get(`${namespace}/${NOTIFICATION_CONFIGMAP}`);
        if (!cm) return undefined;
        const secret = w.secrets.get(`${namespace}/${NOTIFICATION_SECRET}`);
        return { data: cm.data ?? {}, secret: secretText(secret), version: `${cm.metadata?.resourceVersion ?? ''}/${secret?.metadata?.resourceVersion ?? ''}` };
      },
    },
    start() {
      for (const i of informers) i.start();
    },
    async stop() {
      stopped.abort();
      await Promise.all(informers.map((i) => i.stop()));
    },
  };
}

/** The AnalysisRuns of the Rollout's current pod hash and revision, newest first, as Argo hands templates `.analysisRuns`. */
function currentAnalysisRuns(caches: Caches, rollout: KubeObject): unknown[] | undefined {
  const uid = rollout.metadata?.uid;
  if (!uid) return undefined;
  const hash = (rollout as { status?: { currentPodHash?: string } }).status?.currentPodHash;
  const revision = rollout.metadata?.annotations?.[REVISION_ANNOTATION];
  const runs = caches
    .informer<KubeObject & { metadata: { creationTimestamp?: string } }>(ANALYSIS_RUNS)
    .byOwner(uid)
    .filter((r) => r.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] === hash && r.metadata?.annotations?.[REVISION_ANNOTATION] === revision)
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
  return runs.length > 0 ? runs : undefined;
}

export function kubeNotifierPorts(deps: {
  client: KubeClient;
  caches: Caches;
  source: NotificationSource;
  http: HttpPort;
  smtp: SmtpPort;
  clock: Clock;
  logger: Logger;
  metrics?: NotifierPorts['metrics'];
}): NotifierPorts {
  const opts = { fieldManager: FIELD_MANAGER };
  return {
    source: deps.source,
    services: { http: deps.http, smtp: deps.smtp, sleep: (ms, signal) => sleep(deps.clock, ms, signal) },
    async patchNotified(kind, object, value) {
      const type = KINDS[kind];
      if (!type || !object.metadata?.name) return;
      await deps.client.mergePatch(type, object.metadata.namespace ?? '', object.metadata.name, { metadata: { annotations: { [NOTIFIED_ANNOTATION]: value } } }, opts);
    },
    async record(kind, object, event) {
      await deps.client.create(EVENTS, eventObject(kind, object, event, new Date(deps.clock.now())), opts);
    },
    analysisRuns: (rollout) => currentAnalysisRuns(deps.caches, rollout),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    now: () => deps.clock.now(),
    logger: deps.logger,
  };
}
