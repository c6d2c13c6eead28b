import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import { releaseAfterDeletion } from '../../../../controller/reconcile/shared/referenced-services.ts';
import type { StoredObject } from '../../../../controller/traffic/router.ts';

const HASH = 'rollouts-pod-template-hash';
const svc = (name: string, selector: Record<string, string>): V1Service => ({
  metadata: { name, annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'app' } },
  spec: { selector },
});

describe('releaseAfterDeletion: what a deleted Rollout leaves marked', () => {
  it('releases each Service that still selects a hash, and leaves one that selects none (Argo returns early for it)', () => {
    const effects = releaseAfterDeletion([svc('active', { app: 'app', [HASH]: 'abc' }), svc('plain', { app: 'app' })], []);
    assert.deepEqual(effects, [{ kind: 'releaseService', service: 'active', reason: 'no longer referenced by the Rollout' }]);
  });

  it('releases each DestinationRule: the annotation and the subsets\' hash labels, guarded by the resourceVersion read', () => {
    const dr: StoredObject = {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'DestinationRule',
      metadata: { name: 'dr', namespace: 'ns', resourceVersion: '5', annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'app' } },
      spec: { host: 'app', subsets: [{ name: 'stable', labels: { app: 'app', [HASH]: 'abc' } }, { name: 'canary', labels: { app: 'app', [HASH]: 'def' } }] },
    };
    const [effect, ...rest] = releaseAfterDeletion([], [dr]);
    assert.deepEqual(rest, []);
    assert.equal(effect?.kind, 'patchDestinationRule');
    const patch = effect?.kind === 'patchDestinationRule' ? effect.patch : {};
    assert.deepEqual((patch as { metadata?: object }).metadata, { annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': null }, resourceVersion: '5' });
    assert.deepEqual((patch as { spec?: object }).spec, { subsets: [{ name: 'stable', labels: { app: 'app' } }, { name: 'canary', labels: { app: 'app' } }] });
  });

  it('asks for nothing when nothing is left marked', () => {
    assert.deepEqual(releaseAfterDeletion([], []), []);
  });
});
