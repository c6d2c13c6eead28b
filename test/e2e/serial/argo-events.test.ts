import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EVENTS, type KubeObject } from '../../../controller/kube/resources.ts';
import { startArgoController } from '../support/argo-controller.ts';
import { healthyAt } from '../support/end-state.ts';
import { eventually, testNamespace } from '../../support/cluster.ts';
import { startController } from '../../support/controller.ts';
import type { ControllerProcess } from '../../support/controller-process.ts';
import { familySamples, parseMetricsText } from '../../support/metrics-text.ts';
import { blueGreenRollout, canaryRollout, HASH_LABEL, RolloutHelper, service, type ReplicaSetLike } from '../../support/rollouts.ts';

/**
 * The events a Rollout gets, Argo Rollouts' controller beside Ramp's: the same blue-green and
 * canary updates in two namespaces, one controller each, and the Rollouts' events compared in the
 * order the apiserver stored them (a watch from before the Rollouts exist sees each creation, and
 * each repeat of an identical event as its count going up, in commit order).
 *
 * Messages are compared too, with what differs by construction replaced: the namespace and the
 * pod-template hashes (Ramp's hash is not Argo's, docs/operations.md), each hash by the revision
 * of its ReplicaSet.
 *
 * It runs alone (test/e2e/serial/): Argo's controller runs beside Ramp's on the shared control plane.
 */

const BG = 'bg';
const CANARY = 'canary';
const ABORTED = 'aborted';
const ROLLOUTS = [BG, CANARY, ABORTED];

interface Recorded {
  rollout: string;
  type: string;
  reason: string;
  message: string;
}

/** Records the namespace's Rollout events from now on, in the order the apiserver committed them. */
async function recordEvents(ro: RolloutHelper, signal: AbortSignal): Promise<Recorded[]> {
  const seen: Recorded[] = [];
  const counts = new Map<string, number>();
  const { metadata } = await ro.client.list(EVENTS, { namespace: ro.namespace });
  let resourceVersion = metadata?.resourceVersion ?? '0';
  const run = async (): Promise<void> => {
    while (!signal.aborted) {
      await ro.client.watch<KubeObject>(EVENTS, { namespace: ro.namespace, resourceVersion, timeoutSeconds: 300, signal }, (event) => {
        if (event.type === 'BOOKMARK') {
          resourceVersion = event.resourceVersion;
          return;
        }
        const ev = event.object as KubeObject & { involvedObject?: { kind?: string; name?: string }; type?: string; reason?: string; message?: string; count?: number };
        resourceVersion = ev.metadata?.resourceVersion ?? resourceVersion;
        if (event.type === 'DELETED' || ev.involvedObject?.kind !== 'Rollout') return;
        const uid = ev.metadata?.uid ?? '';
        const count = ev.count ?? 1;
        const before = counts.get(uid) ?? 0;
        counts.set(uid, count);
        for (let i = before; i < count; i++) {
          seen.push({ rollout: ev.involvedObject.name ?? '', type: ev.type ?? '', reason: ev.reason ?? '', message: ev.message ?? '' });
        }
      }).catch((err: unknown) => {
        if (!signal.aborted) throw err;
      });
    }
  };
  void run();
  return seen;
}

/** The blue-green and the canary from v1 to v2, each promoted at its pause; another canary aborted at its pause. */
async function walk(ro: RolloutHelper): Promise<void> {
  const v1 = {
    bg: (await ro.waitFor(BG, 'the blue-green Healthy on v1', healthyAt(), 90_000)).status!.currentPodHash!,
    canary: (await ro.waitFor(CANARY, 'the canary Healthy on v1', healthyAt(), 90_000)).status!.currentPodHash!,
    aborted: (await ro.waitFor(ABORTED, 'the canary to abort Healthy on v1', healthyAt(), 90_000)).status!.currentPodHash!,
  };
  await ro.setImage(BG, 'registry.local/app:v2');
  await ro.setImage(CANARY, 'registry.local/app:v2');
  await ro.setImage(ABORTED, 'registry.local/app:v2');
  await ro.waitFor(ABORTED, 'the canary to abort at its pause step on v2', (r) => r.status?.currentPodHash !== v1.aborted && (r.status?.pauseConditions ?? []).some((p) => p.reason === 'CanaryPauseStep'), 90_000);
  await ro.abort(ABORTED);
  await ro.waitFor(ABORTED, 'the aborted canary Degraded, back on v1', (r) => r.status?.phase === 'Degraded' && r.status?.abort === true, 90_000);
  await eventually('the aborted revision scaled down', async () => {
    const rss = await ro.replicaSets();
    return rss.filter((rs) => rs.metadata?.name?.startsWith(`${ABORTED}-`) && rs.metadata.labels?.[HASH_LABEL] !== v1.aborted).every((rs) => rs.spec?.replicas === 0);
  }, 90_000);
  await ro.waitFor(BG, 'the blue-green at its BlueGreenPause on v2', (r) => r.status?.currentPodHash !== v1.bg && (r.status?.pauseConditions ?? []).some((p) => p.reason === 'BlueGreenPause'), 90_000);
  await ro.waitFor(CANARY, 'the canary at its pause step on v2', (r) => r.status?.currentPodHash !== v1.canary && (r.status?.pauseConditions ?? []).some((p) => p.reason === 'CanaryPauseStep'), 90_000);
  await ro.promote(BG);
  await ro.promote(CANARY);
  await ro.waitFor(BG, 'the blue-green Healthy on v2', (r) => r.status?.currentPodHash !== v1.bg && healthyAt()(r), 90_000);
  await ro.waitFor(CANARY, 'the canary Healthy on v2', (r) => r.status?.currentPodHash !== v1.canary && healthyAt()(r), 90_000);
  // The old blue-green ReplicaSet goes to zero after the default 30 s scale-down delay.
  await eventually('the old blue-green ReplicaSet scaled down', async () => (await ro.replicaSet(v1.bg))?.spec?.replicas === 0, 90_000);
}

/** Waits until no new event arrived for a second: the controller has nothing more to say. */
async function quiet(events: Recorded[]): Promise<void> {
  let last = -1;
  await eventually('the events settled', async () => {
    const settled = events.length === last;
    last = events.length;
    return settled;
  }, 60_000, 1_000);
}

/** Each pod-template hash named by its ReplicaSet's revision, and the namespace, replaced in a message. */
async function normalizer(ro: RolloutHelper): Promise<(message: string) => string> {
  const rss = await ro.replicaSets() as Array<ReplicaSetLike & { metadata: { annotations?: Record<string, string>; labels?: Record<string, string> } }>;
  const names = rss.map((rs) => [rs.metadata.labels?.[HASH_LABEL] ?? '', `<${(rs.metadata.ownerReferences as Array<{ name?: string }> | undefined)?.[0]?.name}-hash-rev${rs.metadata.annotations?.['rollout.argoproj.io/revision']}>`] as const);
  return (message) => names.reduce((m, [hash, placeholder]) => (hash ? m.split(hash).join(placeholder) : m), message).split(ro.namespace).join('<ns>');
}

interface Observed {
  events: Recorded[];
  counted: Record<string, number>;
}

async function underController(t: { after: (fn: () => Promise<void>) => void }, name: string, start: (ns: string) => Promise<ControllerProcess>): Promise<Observed> {
  const ns = await testNamespace({ after: (fn) => t.after(fn), name });
  const ro = new RolloutHelper(ns);
  const stop = new AbortController();
  t.after(async () => stop.abort());
  const events = await recordEvents(ro, stop.signal);
  await ro.create(service(`${BG}-active`, BG));
  await ro.create(service(`${BG}-preview`, BG));
  await ro.create(blueGreenRollout(BG, { activeService: `${BG}-active`, previewService: `${BG}-preview`, autoPromotionEnabled: false }, 2));
  await ro.create(canaryRollout(CANARY, { steps: [{ setWeight: 50 }, { pause: {} }] }, { replicas: 2 }));
  await ro.create(canaryRollout(ABORTED, { steps: [{ setWeight: 50 }, { pause: {} }] }, { replicas: 2 }));
  const controller = await start(ns);
  t.after(() => controller.kill());
  await walk(ro);
  await quiet(events);
  const normalize = await normalizer(ro);
  return { events: events.map((e) => ({ ...e, message: normalize(e.message) })), counted: await eventCounts(controller, ns) };
}

/** rollout_events_total of the namespace: each rollout's count per event type and reason. */
async function eventCounts(controller: ControllerProcess, ns: string): Promise<Record<string, number>> {
  const parsed = parseMetricsText(await (await fetch(controller.metricsUrl)).text());
  return Object.fromEntries(familySamples(parsed, 'rollout_events_total')
    .filter((s) => s.labels.namespace === ns)
    .map((s) => [`${s.labels.name} ${s.labels.type} ${s.labels.reason}`, s.value] as const)
    .sort(([a], [b]) => a.localeCompare(b)));
}

const lines = (events: Recorded[], rollout: string): string[] => events.filter((e) => e.rollout === rollout).map((e) => `${e.type} ${e.reason}: ${e.message}`);

describe("Argo Rollouts' events beside Ramp's, on the real control plane", () => {
  test('a blue-green update, a canary update and a canary abort record the same events, in the same order, and count them alike', async (t) => {
    const [argo, ramp] = await Promise.all([
      underController(t, 'events under argo', (ns) => startArgoController({ namespace: ns })),
      underController(t, 'events under ramp', (ns) => startController({ namespace: ns, name: `${ns}-ramp` })),
    ]);
    for (const rollout of ROLLOUTS) {
      t.diagnostic(`argo ${rollout}:\n${lines(argo.events, rollout).join('\n')}`);
      t.diagnostic(`ramp ${rollout}:\n${lines(ramp.events, rollout).join('\n')}`);
    }
    for (const rollout of ROLLOUTS) {
      assert.deepEqual(lines(ramp.events, rollout), lines(argo.events, rollout), `${rollout}: Argo's events in Argo's order`);
    }
    assert.deepEqual(ramp.counted, argo.counted, 'rollout_events_total: the same count per rollout, type and reason');
  });
});
