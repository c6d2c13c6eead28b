import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { metricPhase, registerRolloutMetrics, rolloutSamples, strategyAndTrafficRouter } from '../../../../controller/reconcile/edge/rollout-metrics.ts';
import type { RolloutObject } from '../../../../controller/reconcile/types.ts';

const rollout = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): RolloutObject =>
  ({ metadata: { name: 'web', namespace: 'shop', uid: 'u' }, spec, status }) as unknown as RolloutObject;
const progressing = (reason: string) => ({ conditions: [{ type: 'Progressing', status: 'True', reason }] });

describe("Argo's rollout metrics", () => {
  it('computes the phase from the Progressing reason as Argo does, InvalidSpec first', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'Progressing'],
      [progressing('NewReplicaSetAvailable'), 'Completed'],
      [progressing('RolloutPaused'), 'Paused'],
      [progressing('ProgressDeadlineExceeded'), 'Timeout'],
      [progressing('RolloutAborted'), 'Abort'],
      [progressing('ReplicaSetCreateError'), 'Error'],
      [progressing('ReplicaSetUpdated'), 'Progressing'],
      [{ conditions: [...progressing('NewReplicaSetAvailable').conditions, { type: 'InvalidSpec', status: 'True' }] }, 'InvalidSpec'],
    ];
    for (const [status, phase] of cases) assert.equal(metricPhase(rollout({}, status)), phase, JSON.stringify(status));
  });

  it('names the strategy and the traffic router in Argo’s words', () => {
    assert.deepEqual(strategyAndTrafficRouter(rollout({ strategy: { blueGreen: {} } })), { strategy: 'blueGreen', trafficRouter: '' });
    assert.deepEqual(strategyAndTrafficRouter(rollout({ strategy: { canary: {} } })), { strategy: 'canary', trafficRouter: '' });
    assert.deepEqual(strategyAndTrafficRouter(rollout({ strategy: { canary: { trafficRouting: { istio: {}, nginx: {} } } } })), { strategy: 'canary', trafficRouter: 'Nginx' });
  });

  it('reports replicas and one rollout_phase series per deprecated phase', () => {
    const samples = rolloutSamples([rollout({ replicas: 5, strategy: { canary: {} } }, { replicas: 6, availableReplicas: 4, updatedReplicas: 2, ...progressing('RolloutPaused') })]);
    assert.deepEqual(samples.info, [{ labels: { namespace: 'shop', name: 'web', strategy: 'canary', traffic_router: '', phase: 'Paused' }, value: 1 }]);
    assert.deepEqual([samples.available[0]?.value, samples.unavailable[0]?.value, samples.desired[0]?.value, samples.updated[0]?.value], [4, 2, 5, 2]);
    assert.deepEqual(samples.phase.map((s) => [s.labels.phase, s.value]), [['Completed', 0], ['Progressing', 0], ['Paused', 1], ['Timeout', 0], ['Error', 0], ['Abort', 0]]);
  });

  it('exposes the gauges and counts events on a registry', async () => {
    const registry = new Registry();
    const count = registerRolloutMetrics(registry, () => [rollout({ strategy: { blueGreen: {} } }, progressing('NewReplicaSetAvailable'))]);
    count(rollout({}), { type: 'Normal', reason: 'RolloutCompleted', message: 'done' });
    const text = await registry.metrics();
    assert.match(text, /^rollout_info\{namespace="shop",name="web",strategy="blueGreen",traffic_router="",phase="Completed"\} 1$/m);
    assert.match(text, /^rollout_info_replicas_desired\{namespace="shop",name="web"\} 1$/m);
    assert.match(text, /^rollout_events_total\{namespace="shop",name="web",type="Normal",reason="RolloutCompleted"\} 1$/m);
  });
});
