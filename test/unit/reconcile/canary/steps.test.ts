import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanaryStep } from '../../../../controller/api/index.ts';
import { goStepsJson, pauseDurationSeconds, stepDescription, stepFacts, stepsHash } from '../../../../controller/reconcile/canary/steps.ts';

/**
 * Reference values from Go: encoding/json over Argo Rollouts' v1alpha1 step types, FNV-1a 32 and
 * rand.SafeEncodeString, as conditions.ComputeStepHash computes them.
 */
const GO_VECTORS: Array<{ name: string; steps: CanaryStep[] | undefined; json: string; hash: string }> = [
  { name: 'no steps field', steps: undefined, json: 'null', hash: '5ffbfbbd64' },
  { name: 'an empty list', steps: [], json: '[]', hash: '5f8cb5778f' },
  {
    name: 'weights and pauses',
    steps: [{ setWeight: 33 }, { pause: {} }, { setWeight: 66 }, { pause: { duration: '5s' } }, { setWeight: 100 }],
    json: '[{"setWeight":33},{"pause":{}},{"setWeight":66},{"pause":{"duration":"5s"}},{"setWeight":100}]',
    hash: '847b966966',
  },
  {
    name: 'integer durations, zero replicas, matchTrafficWeight',
    steps: [{ setWeight: 20 }, { pause: { duration: 30 } }, { setCanaryScale: { replicas: 0 } }, { setCanaryScale: { matchTrafficWeight: true, weight: 25 } }],
    json: '[{"setWeight":20},{"pause":{"duration":30}},{"setCanaryScale":{"replicas":0}},{"setCanaryScale":{"weight":25,"matchTrafficWeight":true}}]',
    hash: '774ffbb768',
  },
  {
    name: 'header and mirror routes: struct order, sorted maps, HTML escaping',
    steps: [
      { setHeaderRoute: { match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }], name: 'h<1>&' } },
      { setHeaderRoute: { name: 'h' } },
      { setMirrorRoute: { percentage: 0, name: 'm', match: [{ headers: { b: { prefix: 'x' }, a: { regex: '.*' } }, method: { exact: 'GET' } }] } },
    ],
    json:
      '[{"setHeaderRoute":{"name":"h\\u003c1\\u003e\\u0026","match":[{"headerName":"x-canary","headerValue":{"exact":"yes"}}]}},' +
      '{"setHeaderRoute":{"name":"h"}},' +
      '{"setMirrorRoute":{"name":"m","match":[{"method":{"exact":"GET"},"headers":{"a":{"regex":".*"},"b":{"prefix":"x"}}}],"percentage":0}}]',
    hash: 'c786c7fb8',
  },
  {
    name: 'an analysis step carries analysisRunMetadata only when set (a pointer in v1.10.2)',
    steps: [{ analysis: { templates: [{ templateName: 'success' }], args: [{ name: 'svc', value: 'a' }, { name: 'h', valueFrom: { podTemplateHashValue: 'Latest' } }] } }],
    json: '[{"analysis":{"templates":[{"templateName":"success"}],"args":[{"name":"svc","value":"a"},{"name":"h","valueFrom":{"podTemplateHashValue":"Latest"}}]}}]',
    hash: 'd94b6dd6c',
  },
  {
    // The hash Argo's controller v1.10.2 wrote for these steps on the local control plane
    // (test/e2e/serial/argo-takeover.test.ts, a canary taken over mid-analysis).
    name: 'the hash Argo v1.10.2 records for a weight, an analysis step and a pause',
    steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'held-job' }] } }, { pause: {} }],
    json: '[{"setWeight":50},{"analysis":{"templates":[{"templateName":"held-job"}]}},{"pause":{}}]',
    hash: '757cb4cd79',
  },
  {
    name: 'analysisRunMetadata set, and an experiment step: its template metadata and analysisRunMetadata always written (struct values), then scaleDownDelaySeconds',
    steps: [
      { analysis: { templates: [{ templateName: 't' }], analysisRunMetadata: { labels: { team: 'a' } } } },
      { experiment: { templates: [{ name: 'b', specRef: 'stable' }], scaleDownDelaySeconds: 10 } },
    ],
    json:
      '[{"analysis":{"templates":[{"templateName":"t"}],"analysisRunMetadata":{"labels":{"team":"a"}}}},' +
      '{"experiment":{"templates":[{"name":"b","specRef":"stable","metadata":{}}],"analysisRunMetadata":{},"scaleDownDelaySeconds":10}}]',
    hash: '86869748d8',
  },
  {
    name: 'plugin config kept as written, empty config kept',
    steps: [{ plugin: { name: 'acme/step', config: { z: 1, a: '<b>' } } }, { plugin: { name: 'p', config: {} } }],
    json: '[{"plugin":{"name":"acme/step","config":{"z":1,"a":"\\u003cb\\u003e"}}},{"plugin":{"name":"p","config":{}}}]',
    hash: '98797b87d',
  },
];

describe('step hash (Argo ComputeStepHash)', () => {
  for (const v of GO_VECTORS) {
    test(`${v.name}: Go's JSON and hash`, () => {
      assert.equal(goStepsJson(v.steps), v.json);
      assert.equal(stepsHash(v.steps), v.hash);
    });
  }

  test('any change to the steps changes the hash', () => {
    assert.notEqual(stepsHash([{ setWeight: 33 }]), stepsHash([{ setWeight: 34 }]));
    assert.notEqual(stepsHash([{ pause: {} }]), stepsHash([{ pause: { duration: 0 } }]));
  });
});

describe('step facts and descriptions', () => {
  test('pause durations read as Argo DurationSeconds', () => {
    assert.equal(pauseDurationSeconds({}), undefined);
    assert.equal(pauseDurationSeconds({ duration: 30 }), 30);
    assert.equal(pauseDurationSeconds({ duration: '30' }), 30);
    assert.equal(pauseDurationSeconds({ duration: '1m30s' }), 90);
    assert.equal(pauseDurationSeconds({ duration: '1500ms' }), 1);
    assert.equal(pauseDurationSeconds({ duration: 'soon' }), -1);
  });

  test('each step becomes its kind, pauses with their seconds', () => {
    assert.deepEqual(stepFacts([{ setWeight: 10 }, { pause: {} }, { pause: { duration: '5s' } }, { setCanaryScale: { replicas: 1 } }]), [
      { kind: 'setWeight' },
      { kind: 'pause' },
      { kind: 'pause', pauseSeconds: 5 },
      { kind: 'setCanaryScale' },
    ]);
  });

  test('descriptions as Argo CanaryStepString writes them', () => {
    assert.equal(stepDescription({ setWeight: 33 }), 'setWeight: 33');
    assert.equal(stepDescription({ pause: {} }), 'pause');
    assert.equal(stepDescription({ pause: { duration: '5s' } }), 'pause: 5s');
    assert.equal(stepDescription({ setCanaryScale: { replicas: 2 } }), 'setCanaryScale{replicas: 2}');
    assert.equal(stepDescription({ setHeaderRoute: { name: 'h' } }), 'setHeaderRoute: h');
  });
});
