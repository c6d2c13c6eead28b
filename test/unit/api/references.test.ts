import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateReferencedResources, validateRollout, type Rollout } from '../../../controller/api/index.ts';

function canaryRollout(canary: Record<string, unknown>): Rollout {
  const result = validateRollout({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'guestbook' },
    spec: {
      selector: { matchLabels: { app: 'guestbook' } },
      template: { metadata: { labels: { app: 'guestbook' } }, spec: { containers: [{ name: 'app', image: 'guestbook:v1' }] } },
      strategy: { canary: { canaryService: 'guestbook-canary', stableService: 'guestbook-stable', ...canary } },
    },
  });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result.rollout;
}

const service = (name: string, selector: Record<string, string>, annotations?: Record<string, string>) => ({
  metadata: { name, ...(annotations ? { annotations } : {}) },
  spec: { selector },
});

describe('validateReferencedResources', () => {
  it('accepts Services whose selectors match the pod template, ignoring the pod-template-hash label', () => {
    const rollout = canaryRollout({});
    const errors = validateReferencedResources(rollout, {
      services: [
        { type: 'StableService', service: service('guestbook-stable', { app: 'guestbook', 'rollouts-pod-template-hash': 'abc' }) },
        { type: 'CanaryService', service: service('guestbook-canary', { app: 'guestbook' }) },
      ],
    });
    assert.deepEqual(errors, []);
  });

  it('reports a Service selecting a label the pods do not have', () => {
    const rollout = canaryRollout({});
    const errors = validateReferencedResources(rollout, { services: [{ type: 'StableService', service: service('guestbook-stable', { app: 'other' }) }] });
    assert.deepEqual(errors, [
      { field: 'spec.strategy.canary.stableService', message: 'Invalid value: "guestbook-stable": Service "guestbook-stable" has unmatch label "app" in rollout' },
    ]);
  });

  it('accepts a selector label that only the role metadata adds', () => {
    const rollout = canaryRollout({ canaryMetadata: { labels: { role: 'canary' } } });
    const errors = validateReferencedResources(rollout, { services: [{ type: 'CanaryService', service: service('guestbook-canary', { app: 'guestbook', role: 'canary' }) }] });
    assert.deepEqual(errors, []);
  });

  it('reports a Service managed by another Rollout', () => {
    const rollout = canaryRollout({});
    const errors = validateReferencedResources(rollout, {
      services: [{ type: 'CanaryService', service: service('guestbook-canary', { app: 'guestbook' }, { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'other' }) }],
    });
    assert.deepEqual(errors, [
      { field: 'spec.strategy.canary.canaryService', message: 'Invalid value: "guestbook-canary": Service "guestbook-canary" is managed by another Rollout' },
    ]);
  });

  it('reports an NGINX stable Ingress that does not route to the stable Service', () => {
    const rollout = canaryRollout({ trafficRouting: { nginx: { stableIngress: 'guestbook' } } });
    const ingress = (backend: string) => ({
      metadata: { name: 'guestbook' },
      spec: { rules: [{ host: 'guestbook.local', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: 80 } } } }] } }] },
    });
    assert.deepEqual(validateReferencedResources(rollout, { ingresses: [ingress('guestbook-stable')] }), []);
    assert.deepEqual(validateReferencedResources(rollout, { ingresses: [ingress('guestbook-root')] }), [
      {
        field: 'spec.strategy.canary.trafficRouting.nginx.stableIngress',
        message: 'Invalid value: "guestbook": ingress `guestbook` has no rules using service guestbook-stable backend',
      },
    ]);
  });
  it("reports an ALB Ingress with no rule to the root Service (Argo's ValidateIngress for ALB), naming ingress or ingresses", () => {
    const ingress = (name: string, backend: string) => ({
      metadata: { name },
      spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: 80 } } } }] } }] },
    });
    const single = canaryRollout({ trafficRouting: { alb: { ingress: 'guestbook', servicePort: 80, rootService: 'guestbook-root' } } });
    assert.deepEqual(validateReferencedResources(single, { ingresses: [ingress('guestbook', 'guestbook-root')] }), []);
    assert.deepEqual(validateReferencedResources(single, { ingresses: [ingress('guestbook', 'guestbook-stable')] }), [
      { field: 'spec.strategy.canary.trafficRouting.alb.ingress', message: 'Invalid value: "guestbook": ingress `guestbook` has no rules using service guestbook-root backend' },
    ]);
    const list = canaryRollout({ trafficRouting: { alb: { ingresses: ['a', 'b'], servicePort: 80 } } });
    assert.deepEqual(validateReferencedResources(list, { ingresses: [ingress('a', 'guestbook-stable'), ingress('b', 'other')] }), [
      { field: 'spec.strategy.canary.trafficRouting.alb.ingresses', message: 'Invalid value: "b": ingress `b` has no rules using service guestbook-stable backend' },
    ]);
  });
});
