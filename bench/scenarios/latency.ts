/**
 * Promote → switch latency and API cost per rollout, on one namespace with its own controller:
 * - blue-green: from the promote patch to the active Service selecting the new hash, and the
 *   controller's requests over one whole rollout (new image → paused → promoted → old scaled down);
 * - basic canary: from the promote of a pause step to the canary ReplicaSet sized for the next
 *   weight (and its pods Ready), and the requests per step;
 * - NGINX canary: from the promote to the canary Ingress's canary-weight;
 * - Istio canary (examples/canary-istio, subset-level): from the promote to the VirtualService
 *   route weights and the DestinationRule canary subset at the next step, and the requests per step;
 * - the controller's memory, CPU and requests with nothing to do: empty, right after start, and at
 *   the end with the four rollouts at rest.
 * The controller under test is Ramp's or, for the side-by-side run, Argo Rollouts' (a Subject).
 */
import { performance } from 'node:perf_hooks';
import { EVENTS, INGRESSES, ISTIO_DESTINATION_RULES, ISTIO_VIRTUAL_SERVICES, REPLICA_SETS, ROLLOUTS, SERVICES, type KubeObject } from '../../controller/kube/resources.ts';
import { installIstioCrds } from '../../test/support/crds.ts';
import { blueGreenRollout, canaryRollout as rolloutWith, HASH_LABEL, ingress, RolloutHelper, service, type ReplicaSetLike, type RolloutLike, type ServiceLike } from '../../test/support/rollouts.ts';
import { istioAtStep, subsetHash, subsetWeights, type DestinationRuleLike, type IstioStep, type VirtualServiceLike } from '../support/istio.ts';
import { createNamespace, deleteNamespace, scrape, sleep, untilAny, Watched, type BenchCluster, type Say } from '../support/env.ts';
import { eventWrites, requestCounts, requestDelta, totalRequests, type RequestCounts } from '../support/prom.ts';
import { processUsage, type Subject } from '../support/subjects.ts';
import type { RunningController } from '../../test/support/controller.ts';
import type { Figure } from '../support/report.ts';
import { summarize } from '../support/stats.ts';

export interface LatencyOptions {
  promotions: number;
  canaryRollouts: number;
  /** Seconds of each window with nothing to do (empty after start, and at rest at the end). */
  idleSeconds: number;
}

/** Where figures and notes go as they are measured, so a later failure keeps them. */
export interface Sink {
  figures: Figure[];
  notes: string[];
}

/** Settling time before a request-counter scrape, so a pass's trailing status write is counted. */
const SETTLE_MS = 1_500;

const bgPaused = (previous: string | undefined) => (ro: RolloutLike | undefined): boolean =>
  ro?.status?.phase === 'Paused' && !!ro.status.currentPodHash && ro.status.currentPodHash !== previous && (ro.status.pauseConditions?.length ?? 0) > 0;
const healthy = (ro: RolloutLike | undefined): boolean =>
  ro?.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash &&
  ro.status.observedGeneration === String((ro.metadata as { generation?: number } | undefined)?.generation);

const CANARY_STEPS = [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }, { setWeight: 75 }, { pause: {} }];
const CANARY_WEIGHT = 'nginx.ingress.kubernetes.io/canary-weight';

/** examples/canary-nginx's shape: stable and canary Services, NGINX routing on the stable Ingress. */
function nginxCanaryRollout(name: string, replicas: number): KubeObject {
  return rolloutWith(name, { stableService: `${name}-stable`, canaryService: `${name}-canary`, trafficRouting: { nginx: { stableIngress: name } }, steps: CANARY_STEPS }, { replicas, revisionHistoryLimit: 2 });
}

function canaryRollout(name: string, replicas: number): KubeObject {
  return rolloutWith(name, { steps: CANARY_STEPS }, { replicas, revisionHistoryLimit: 2 });
}

/** examples/canary-istio's shape: one Service, the VirtualService route `primary` between the DestinationRule's subsets. */
function istioCanaryRollout(name: string, replicas: number): KubeObject {
  const istio = { virtualService: { name: `${name}-vs`, routes: ['primary'] }, destinationRule: { name: `${name}-dr`, canarySubsetName: 'canary', stableSubsetName: 'stable' } };
  return rolloutWith(name, { trafficRouting: { istio }, steps: CANARY_STEPS }, { replicas, revisionHistoryLimit: 2 });
}

function istioObjects(name: string): { virtualService: KubeObject; destinationRule: KubeObject } {
  return {
    virtualService: {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      metadata: { name: `${name}-vs` },
      spec: {
        hosts: [name],
        http: [{ name: 'primary', route: [{ destination: { host: name, subset: 'stable' }, weight: 100 }, { destination: { host: name, subset: 'canary' }, weight: 0 }] }],
      },
    } as KubeObject,
    destinationRule: {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'DestinationRule',
      metadata: { name: `${name}-dr` },
      spec: { host: name, subsets: [{ name: 'stable', labels: { app: name } }, { name: 'canary', labels: { app: name } }] },
    } as KubeObject,
  };
}

function costFigures(section: string, what: string, deltas: RequestCounts[], note: string): Figure[] {
  const writes = summarize(deltas.map((d) => d.writes));
  const withoutEvents = summarize(deltas.map((d) => d.writes - eventWrites(d)));
  const reads = summarize(deltas.map((d) => d.reads));
  return [
    { section, name: `writes per ${what} (median)`, value: writes.p50, unit: 'requests', note: `${note}; max ${writes.max}, n=${writes.n}` },
    { section, name: `writes per ${what} other than Events (median)`, value: withoutEvents.p50, unit: 'requests', note: `max ${withoutEvents.max}` },
    { section, name: `reads per ${what} (median)`, value: reads.p50, unit: 'requests', note: `Get+List; max ${reads.max}` },
  ];
}

const MiB = 1024 * 1024;
/** Time for a controller to finish starting (initial lists, first passes) before an idle window opens. */
const START_SETTLE_MS = 5_000;

/**
 * One window with nothing to do: resident memory at its end, CPU and requests over it, from /proc
 * and the controller's request counter (every verb, watches and discovery included).
 */
async function idleWindow(controller: RunningController, seconds: number, when: string): Promise<Figure[]> {
  const pid = controller.process.pid!;
  const [u0, r0] = [processUsage(pid), requestCounts(await scrape(controller))];
  await sleep(seconds * 1000);
  const [u1, r1] = [processUsage(pid), requestCounts(await scrape(controller))];
  const d = requestDelta(r0, r1);
  const perMinute = (n: number): number => (n * 60) / seconds;
  const all = totalRequests(d);
  return [
    { section: 'idle', name: `RSS ${when}`, value: u1.rssBytes / MiB, unit: 'MiB', note: '/proc VmRSS' },
    { section: 'idle', name: `CPU ${when}`, value: ((u1.cpuSeconds - u0.cpuSeconds) / seconds) * 100, unit: '% of a core', note: `over ${seconds} s, /proc utime+stime` },
    { section: 'idle', name: `requests per minute ${when}`, value: perMinute(all), unit: 'requests', note: `every verb; writes ${perMinute(d.writes)}, reads ${perMinute(d.reads)}: ${breakdown(d)}` },
  ];
}

function breakdown(d: RequestCounts): string {
  return Object.entries(d.byVerbAndKind).filter(([k]) => !k.startsWith('Watch')).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none';
}

export async function runLatency(cluster: BenchCluster, opts: LatencyOptions, sink: Sink, tell: Say, subject: Subject): Promise<void> {
  const say: Say = (line) => tell(`${subject.name}: ${line.trim()}`);
  // Served before the controller starts: Argo looks for the Istio CRDs once, at start.
  await installIstioCrds(cluster.client);
  await subject.prepare(cluster);
  const ns = await createNamespace(cluster, 'bench-latency');
  const helper = new RolloutHelper(ns);
  const rollouts = new Watched<RolloutLike>(cluster.client, ROLLOUTS, ns);
  const services = new Watched<ServiceLike>(cluster.client, SERVICES, ns);
  const replicaSets = new Watched<ReplicaSetLike>(cluster.client, REPLICA_SETS, ns);
  await Promise.all([rollouts.start(), services.start(), replicaSets.start()]);
  const controller = await subject.start(ns, 'latency');
  const { figures, notes } = sink;
  try {
    await sleep(START_SETTLE_MS);
    figures.push(...(await idleWindow(controller, opts.idleSeconds, 'empty (no rollouts)')));

    // Blue-green.
    await helper.create(service('bg-active', 'bg'));
    await helper.create(service('bg-preview', 'bg'));
    await helper.create(blueGreenRollout('bg', { activeService: 'bg-active', previewService: 'bg-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 1 }, 1));
    await rollouts.until('bg v1 Healthy', (items) => healthy(items.find((r) => r.metadata?.name === 'bg')));
    const switches: number[] = [];
    const bgCosts: RequestCounts[] = [];
    let stableHash = rollouts.get('bg')?.status?.currentPodHash;
    await sleep(SETTLE_MS);
    let before = requestCounts(await scrape(controller));
    for (let i = 0; i < opts.promotions; i++) {
      await helper.setImage('bg', `registry.local/app:v${i + 2}`);
      await rollouts.until(`bg v${i + 2} paused behind the preview`, () => bgPaused(stableHash)(rollouts.get('bg')));
      const newHash = rollouts.get('bg')!.status!.currentPodHash!;
      const t0 = performance.now();
      await helper.promote('bg');
      const t1 = await services.until('the active Service to select the new hash', () => services.get('bg-active')?.spec?.selector?.[HASH_LABEL] === newHash);
      switches.push(t1 - t0);
      await rollouts.until('bg Healthy on the new hash', () => healthy(rollouts.get('bg')) && rollouts.get('bg')?.status?.currentPodHash === newHash);
      const old = stableHash;
      await replicaSets.until('the old ReplicaSet scaled to 0', (items) => items.filter((rs) => rs.metadata?.labels?.[HASH_LABEL] === old).every((rs) => rs.spec?.replicas === 0));
      stableHash = newHash;
      await sleep(SETTLE_MS);
      const after = requestCounts(await scrape(controller));
      bgCosts.push(requestDelta(before, after));
      before = after;
      say(`  blue-green promotion ${i + 1}/${opts.promotions}: switch ${Math.round(t1 - t0)} ms, ${bgCosts.at(-1)!.writes} writes`);
    }
    const s = summarize(switches);
    figures.push(
      { section: 'latency', name: 'blue-green promote → active switch p50', value: s.p50, unit: 'ms', note: `n=${s.n}; promote patch sent → Service watch event` },
      { section: 'latency', name: 'blue-green promote → active switch p99', value: s.p99, unit: 'ms', note: `max ${Math.round(s.max)} ms` },
      ...costFigures('api', 'blue-green rollout', bgCosts, 'new image → paused → promoted → old RS at 0'),
    );
    notes.push(`One blue-green rollout's requests: ${breakdown(bgCosts.at(-1)!)}.`);

    // Basic canary (no traffic routing): the weight is the canary ReplicaSet's size.
    const replicas = 4;
    await helper.client.create(ROLLOUTS, { ...canaryRollout('cn', replicas), metadata: { name: 'cn', namespace: ns } } as never);
    await rollouts.until('cn v1 Healthy', () => healthy(rollouts.get('cn')));
    const sized: number[] = [];
    const ready: number[] = [];
    const stepCosts: RequestCounts[] = [];
    const steps = [{ next: 3, weight: 50 }, { next: 5, weight: 75 }, { next: undefined, weight: 100 }];
    for (let c = 0; c < opts.canaryRollouts; c++) {
      await helper.setImage('cn', `registry.local/app:c${c + 2}`);
      await rollouts.until('cn paused at step 1 (setWeight 25)', () => {
        const ro = rollouts.get('cn');
        return ro?.status?.phase === 'Paused' && ro.status.currentStepIndex === 1 && !!ro.status.currentPodHash && ro.status.currentPodHash !== ro.status.stableRS;
      });
      const hash = rollouts.get('cn')!.status!.currentPodHash!;
      const canaryRs = (): ReplicaSetLike | undefined => replicaSets.list().find((rs) => rs.metadata?.labels?.[HASH_LABEL] === hash);
      await sleep(SETTLE_MS);
      let stepBefore = requestCounts(await scrape(controller));
      for (const step of steps) {
        const want = Math.ceil((replicas * step.weight) / 100);
        const t0 = performance.now();
        await helper.promote('cn');
        const t1 = await replicaSets.until(`canary ReplicaSet sized for weight ${step.weight}`, () => canaryRs()?.spec?.replicas === want);
        const t2 = await replicaSets.until(`canary ReplicaSet with ${want} available pods`, () => (canaryRs()?.status?.availableReplicas ?? 0) >= want);
        sized.push(t1 - t0);
        ready.push(t2 - t0);
        await rollouts.until(step.next === undefined ? 'cn Healthy' : `cn paused at step ${step.next}`, () => {
          const ro = rollouts.get('cn');
          return step.next === undefined ? healthy(ro) && ro?.status?.currentPodHash === hash : ro?.status?.phase === 'Paused' && ro.status.currentStepIndex === step.next;
        });
        await sleep(SETTLE_MS);
        const stepAfter = requestCounts(await scrape(controller));
        stepCosts.push(requestDelta(stepBefore, stepAfter));
        stepBefore = stepAfter;
      }
      say(`  canary rollout ${c + 1}/${opts.canaryRollouts}: steps sized in ${sized.slice(-3).map((v) => Math.round(v)).join(', ')} ms`);
    }
    const sz = summarize(sized);
    const rd = summarize(ready);
    figures.push(
      { section: 'latency', name: 'canary promote → weight sized p50', value: sz.p50, unit: 'ms', note: `n=${sz.n}; basic canary, canary RS spec.replicas` },
      { section: 'latency', name: 'canary promote → weight sized p99', value: sz.p99, unit: 'ms', note: `max ${Math.round(sz.max)} ms` },
      { section: 'latency', name: 'canary promote → weight live p50', value: rd.p50, unit: 'ms', note: 'canary pods available (kwok)' },
      { section: 'latency', name: 'canary promote → weight live p99', value: rd.p99, unit: 'ms', note: `max ${Math.round(rd.max)} ms` },
      ...costFigures('api', 'canary step', stepCosts, 'promote → next pause settled'),
    );
    notes.push(`One canary step's requests: ${breakdown(stepCosts.at(-2) ?? stepCosts.at(-1)!)}.`);

    // NGINX canary (examples/canary-nginx): the weight is the canary Ingress's canary-weight.
    const ingresses = new Watched<KubeObject>(cluster.client, INGRESSES, ns);
    await ingresses.start();
    try {
      await helper.create(service('ng-stable', 'ng'));
      await helper.create(service('ng-canary', 'ng'));
      await helper.client.create(INGRESSES, { ...ingress('ng', 'ng-stable', { name: 'http' }), metadata: { name: 'ng', namespace: ns } });
      await helper.client.create(ROLLOUTS, { ...nginxCanaryRollout('ng', replicas), metadata: { name: 'ng', namespace: ns } } as never);
      await rollouts.until('ng v1 Healthy', () => healthy(rollouts.get('ng')));
      const weightOf = (): string | undefined => ingresses.get('ng-ng-canary')?.metadata?.annotations?.[CANARY_WEIGHT];
      const weights: number[] = [];
      const nginxCosts: RequestCounts[] = [];
      for (let c = 0; c < opts.canaryRollouts; c++) {
        await helper.setImage('ng', `registry.local/app:n${c + 2}`);
        await rollouts.until('ng paused at step 1 (setWeight 25)', () => {
          const ro = rollouts.get('ng');
          return ro?.status?.phase === 'Paused' && ro.status.currentStepIndex === 1 && ro.status.currentPodHash !== ro.status.stableRS;
        });
        await ingresses.until('the canary Ingress at weight 25', () => weightOf() === '25');
        const hash = rollouts.get('ng')!.status!.currentPodHash!;
        await sleep(SETTLE_MS);
        let stepBefore = requestCounts(await scrape(controller));
        for (const step of [{ next: 3, weight: 50 }, { next: 5, weight: 75 }]) {
          const t0 = performance.now();
          await helper.promote('ng');
          const t1 = await ingresses.until(`the canary Ingress at weight ${step.weight}`, () => weightOf() === String(step.weight));
          weights.push(t1 - t0);
          await rollouts.until(`ng paused at step ${step.next}`, () => {
            const ro = rollouts.get('ng');
            return ro?.status?.phase === 'Paused' && ro.status.currentStepIndex === step.next;
          });
          await sleep(SETTLE_MS);
          const stepAfter = requestCounts(await scrape(controller));
          nginxCosts.push(requestDelta(stepBefore, stepAfter));
          stepBefore = stepAfter;
        }
        await helper.promote('ng');
        await rollouts.until('ng Healthy', () => healthy(rollouts.get('ng')) && rollouts.get('ng')?.status?.currentPodHash === hash);
        say(`  NGINX canary rollout ${c + 1}/${opts.canaryRollouts}: weights set in ${weights.slice(-2).map((v) => Math.round(v)).join(', ')} ms`);
      }
      const w = summarize(weights);
      figures.push(
        { section: 'latency', name: 'NGINX canary promote → canary-weight p50', value: w.p50, unit: 'ms', note: `n=${w.n}; promote patch → canary Ingress annotation (watch)` },
        { section: 'latency', name: 'NGINX canary promote → canary-weight p99', value: w.p99, unit: 'ms', note: `max ${Math.round(w.max)} ms; includes the canary pods becoming available first` },
        ...costFigures('api', 'NGINX canary step', nginxCosts, 'promote → next pause settled (setWeight 50, 75)'),
      );
      notes.push(`One NGINX canary step's requests: ${breakdown(nginxCosts.at(-1)!)}.`);
    } finally {
      await ingresses.stop();
    }

    // Istio canary (examples/canary-istio, subset-level): the weight is the VirtualService route's,
    // and the DestinationRule's canary subset must select the canary's pods.
    const virtualServices = new Watched<VirtualServiceLike>(cluster.client, ISTIO_VIRTUAL_SERVICES, ns);
    const destinationRules = new Watched<DestinationRuleLike>(cluster.client, ISTIO_DESTINATION_RULES, ns);
    await Promise.all([virtualServices.start(), destinationRules.start()]);
    try {
      const { virtualService, destinationRule } = istioObjects('ist');
      await helper.create(service('ist', 'ist'));
      await cluster.client.create(ISTIO_VIRTUAL_SERVICES, { ...virtualService, metadata: { ...virtualService.metadata, namespace: ns } });
      await cluster.client.create(ISTIO_DESTINATION_RULES, { ...destinationRule, metadata: { ...destinationRule.metadata, namespace: ns } });
      await helper.client.create(ROLLOUTS, { ...istioCanaryRollout('ist', replicas), metadata: { name: 'ist', namespace: ns } } as never);
      await rollouts.until('ist v1 Healthy', () => healthy(rollouts.get('ist')));
      const routing = (weight: number, canaryHash: string): boolean => {
        const step: IstioStep = { route: 'primary', stableSubset: 'stable', canarySubset: 'canary', weight, canaryHash };
        return istioAtStep(virtualServices.get('ist-vs'), destinationRules.get('ist-dr'), step);
      };
      const routingNow = (): string => `weights ${JSON.stringify(subsetWeights(virtualServices.get('ist-vs'), 'primary'))}, canary subset ${subsetHash(destinationRules.get('ist-dr'), 'canary') ?? 'unlabelled'}`;
      const istioWatches = [virtualServices, destinationRules];
      const istioWeights: number[] = [];
      const istioCosts: RequestCounts[] = [];
      for (let c = 0; c < opts.canaryRollouts; c++) {
        await helper.setImage('ist', `registry.local/app:i${c + 2}`);
        await rollouts.until('ist paused at step 1 (setWeight 25)', () => {
          const ro = rollouts.get('ist');
          return ro?.status?.phase === 'Paused' && ro.status.currentStepIndex === 1 && !!ro.status.currentPodHash && ro.status.currentPodHash !== ro.status.stableRS;
        });
        const hash = rollouts.get('ist')!.status!.currentPodHash!;
        await untilAny(`the VirtualService at weight 25 and the canary subset on ${hash} (before: ${routingNow()})`, istioWatches, () => routing(25, hash));
        await sleep(SETTLE_MS);
        let stepBefore = requestCounts(await scrape(controller));
        for (const step of [{ next: 3, weight: 50 }, { next: 5, weight: 75 }]) {
          const t0 = performance.now();
          await helper.promote('ist');
          // Either watch may deliver the last change: the sample ends at the first event showing both.
          const t1 = await untilAny(`the VirtualService at weight ${step.weight} and the canary subset on ${hash}`, istioWatches, () => routing(step.weight, hash));
          istioWeights.push(t1 - t0);
          await rollouts.until(`ist paused at step ${step.next}`, () => {
            const ro = rollouts.get('ist');
            return ro?.status?.phase === 'Paused' && ro.status.currentStepIndex === step.next;
          });
          await sleep(SETTLE_MS);
          const stepAfter = requestCounts(await scrape(controller));
          istioCosts.push(requestDelta(stepBefore, stepAfter));
          stepBefore = stepAfter;
        }
        await helper.promote('ist');
        await rollouts.until('ist Healthy', () => healthy(rollouts.get('ist')) && rollouts.get('ist')?.status?.currentPodHash === hash);
        await virtualServices.until(`the VirtualService back at weight 0 (before: ${routingNow()})`, () => subsetWeights(virtualServices.get('ist-vs'), 'primary')?.canary === 0);
        say(`  Istio canary rollout ${c + 1}/${opts.canaryRollouts}: weights set in ${istioWeights.slice(-2).map((v) => Math.round(v)).join(', ')} ms, ${istioCosts.slice(-2).map((d) => d.writes).join(', ')} writes`);
      }
      const iw = summarize(istioWeights);
      figures.push(
        { section: 'latency', name: 'Istio canary promote → VirtualService weight p50', value: iw.p50, unit: 'ms', note: `n=${iw.n}; promote patch → route weights and canary subset hash (watch)` },
        { section: 'latency', name: 'Istio canary promote → VirtualService weight p99', value: iw.p99, unit: 'ms', note: `max ${Math.round(iw.max)} ms; includes the canary pods becoming available first` },
        ...costFigures('api', 'Istio canary step', istioCosts, 'promote → next pause settled (setWeight 50, 75)'),
      );
      notes.push(`One Istio canary step's requests: ${breakdown(istioCosts.at(-1)!)}.`);
    } finally {
      await Promise.all([virtualServices.stop(), destinationRules.stop()]);
    }

    // Events counted from the apiserver's side, as a controller's own request counter may miss
    // them (Argo's labels a Create it cannot parse with no kind, and batches repeats client-side).
    const events = (await cluster.client.listAll<KubeObject & { count?: number }>(EVENTS, { namespace: ns })).items;
    figures.push(
      { section: 'api', name: 'Events in the namespace after the scenario', value: events.length, unit: 'objects', note: 'the same promotions and steps for both controllers' },
      { section: 'api', name: 'Event occurrences (sum of count)', value: events.reduce((n, e) => n + (e.count ?? 1), 0), unit: 'events' },
    );

    // The four rollouts at rest: the last revisions' scale-down delays (30 s by default behind a
    // traffic router) have passed and the old ReplicaSets are at 0, so nothing should be written.
    const current = new Set(rollouts.list().map((ro) => ro.status?.currentPodHash));
    await replicaSets.until('every old ReplicaSet scaled to 0', (items) => items.every((rs) => current.has(rs.metadata?.labels?.[HASH_LABEL]) || rs.spec?.replicas === 0));
    await sleep(SETTLE_MS * 2);
    figures.push(...(await idleWindow(controller, opts.idleSeconds, 'with 4 rollouts at rest')));
  } finally {
    await controller.stop();
    await Promise.all([rollouts.stop(), services.stop(), replicaSets.stop()]);
    await deleteNamespace(cluster, ns);
  }
}
