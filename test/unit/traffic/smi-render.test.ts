import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { managedSpec, renderTrafficSplit, trafficSplitVerified, type SmiVersion } from '../../../controller/traffic/smi/render.ts';
import { routingTarget } from '../../../controller/traffic/target.ts';
import type { SMITrafficRouting } from '../../../controller/traffic/types.ts';
import { NAMESPACE, ROLLOUT_UID, rollout } from './support/fixtures.ts';

const target = (smi: SMITrafficRouting) => routingTarget(rollout({ smi }));

describe('SMI TrafficSplit rendering', () => {
  const cases: Array<{ version: SmiVersion; weight: number; canary: number | string; stable: number | string }> = [
    { version: 'v1alpha1', weight: 20, canary: '20', stable: '80' },
    { version: 'v1alpha1', weight: 0, canary: '0', stable: '100' },
    { version: 'v1alpha2', weight: 20, canary: 20, stable: 80 },
    { version: 'v1alpha3', weight: 100, canary: 100, stable: 0 },
  ];
  for (const { version, weight, canary, stable } of cases) {
    it(`${version} at weight ${weight}: canary ${JSON.stringify(canary)}, stable ${JSON.stringify(stable)} (a Quantity string in v1alpha1)`, () => {
      const split = renderTrafficSplit(target({ rootService: 'web' }), { rootService: 'web' }, version, weight);
      assert.equal(split.apiVersion, `split.smi-spec.io/${version}`);
      assert.deepEqual(split.spec, {
        service: 'web',
        backends: [
          { service: 'web-canary', weight: canary },
          { service: 'web-stable', weight: stable },
        ],
      });
    });
  }

  it('defaults as Argo: named after the Rollout, the stable Service as root, controller-owned by the Rollout', () => {
    const split = renderTrafficSplit(target({}), {}, 'v1alpha1', 10);
    assert.equal(split.metadata.name, 'web');
    assert.equal(split.metadata.namespace, NAMESPACE);
    assert.equal(split.spec?.service, 'web-stable');
    assert.deepEqual(split.metadata.ownerReferences, [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web', uid: ROLLOUT_UID, controller: true, blockOwnerDeletion: true },
    ]);
    assert.equal(renderTrafficSplit(target({ trafficSplitName: 'web-split' }), { trafficSplitName: 'web-split' }, 'v1alpha1', 10).metadata.name, 'web-split');
  });

  it('the fields a version\'s Go type knows are the managed ones: matches only in v1alpha3', () => {
    const spec = { service: 'web', backends: [], matches: [{ kind: 'HTTPRouteGroup', name: 'm' }], extra: true };
    assert.deepEqual(Object.keys(managedSpec(spec, 'v1alpha2')), ['service', 'backends']);
    assert.deepEqual(Object.keys(managedSpec(spec, 'v1alpha3')), ['service', 'backends', 'matches']);
  });

  it('verifies the weights read back, whichever way the version writes them', () => {
    const t = target({});
    for (const version of ['v1alpha1', 'v1alpha2', 'v1alpha3'] as const) {
      const split = renderTrafficSplit(t, {}, version, 30);
      assert.equal(trafficSplitVerified(split, t, {}, 30), true, version);
      assert.equal(trafficSplitVerified(split, t, {}, 40), false, version);
    }
    assert.equal(trafficSplitVerified(null, t, {}, 0), false, 'no TrafficSplit carries no weight');
    const wrongRoot = renderTrafficSplit(t, { rootService: 'other' }, 'v1alpha2', 30);
    assert.equal(trafficSplitVerified(wrongRoot, t, {}, 30), false, 'a different root Service is not the desired split');
  });

  it('additional destinations (an experiment\'s weighted templates) come between canary and stable, which keeps the rest', () => {
    const t = target({});
    const additional = [{ weight: 10, serviceName: 'exp-canary', podTemplateHash: 'x' }, { weight: 5, serviceName: 'exp-baseline' }];
    for (const version of ['v1alpha1', 'v1alpha2'] as const) {
      const split = renderTrafficSplit(t, {}, version, 20, additional);
      const w = (n: number) => (version === 'v1alpha1' ? String(n) : n);
      assert.deepEqual(split.spec?.backends, [
        { service: 'web-canary', weight: w(20) },
        { service: 'exp-canary', weight: w(10) },
        { service: 'exp-baseline', weight: w(5) },
        { service: 'web-stable', weight: w(65) },
      ]);
      assert.equal(trafficSplitVerified(split, t, {}, 20, additional), true, version);
      assert.equal(trafficSplitVerified(split, t, {}, 20), false, `${version}: the split without them is not the desired one`);
    }
  });
});
