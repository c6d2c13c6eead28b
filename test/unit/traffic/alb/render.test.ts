import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MANAGED_ALB_ANNOTATIONS,
  albInput,
  albIngressPatch,
  albWeightVerified,
  headerRouteConditions,
  renderHeaderRoute,
  renderRemoveManagedRoutes,
  renderWeight,
  weightedAction,
} from '../../../../controller/traffic/alb/render.ts';
import type { Ingress } from '../../../../controller/traffic/ingress.ts';
import { TrafficRoutingError } from '../../../../controller/traffic/router.ts';
import { routingTarget } from '../../../../controller/traffic/target.ts';
import type { ALBTrafficRouting, RolloutTrafficRouting } from '../../../../controller/traffic/types.ts';
import { albIngress as ingressFixture, backend, rollout } from '../support/fixtures.ts';

const P = 'alb.ingress.kubernetes.io';
const ACTION = `${P}/actions.web-root`;

function input(alb: Partial<ALBTrafficRouting> = {}, extra: Partial<RolloutTrafficRouting> = {}) {
  const config: ALBTrafficRouting = { ingress: 'web-ingress', servicePort: 80, rootService: 'web-root', ...alb };
  return albInput(routingTarget(rollout({ alb: config, ...extra })), config);
}

/** The fixture Ingress, with annotations added. */
const albIngress = (annotations: Record<string, string> = {}): Ingress => ingressFixture('web-ingress', annotations) as Ingress;

describe('ALB render: the forward action', () => {
  it("is the JSON Argo's encoding/json writes: canary first, stable with the rest of 100, ports as strings", () => {
    assert.equal(
      weightedAction(input(), 20),
      '{"Type":"forward","ForwardConfig":{"TargetGroups":[{"ServiceName":"web-canary","ServicePort":"80","Weight":20},{"ServiceName":"web-stable","ServicePort":"80","Weight":80}]}}',
    );
  });

  it('puts additional destinations between canary and stable and takes their weight from stable', () => {
    const action = JSON.parse(weightedAction(input(), 10, [{ serviceName: 'web-exp', weight: 5 }])) as { ForwardConfig: { TargetGroups: unknown[] } };
    assert.deepEqual(action.ForwardConfig.TargetGroups, [
      { ServiceName: 'web-canary', ServicePort: '80', Weight: 10 },
      { ServiceName: 'web-exp', ServicePort: '80', Weight: 5 },
      { ServiceName: 'web-stable', ServicePort: '80', Weight: 85 },
    ]);
  });

  it('adds TargetGroupStickinessConfig when stickiness is enabled, after the target groups', () => {
    assert.equal(
      weightedAction(input({ stickinessConfig: { enabled: true, durationSeconds: 3600 } }), 0),
      '{"Type":"forward","ForwardConfig":{"TargetGroups":[{"ServiceName":"web-canary","ServicePort":"80","Weight":0},{"ServiceName":"web-stable","ServicePort":"80","Weight":100}],"TargetGroupStickinessConfig":{"Enabled":true,"DurationSeconds":3600}}}',
    );
    assert.doesNotMatch(weightedAction(input({ stickinessConfig: { enabled: false, durationSeconds: 3600 } }), 0), /Stickiness/);
  });

  it("refuses a stickiness duration outside AWS's 1..604800 seconds with Argo's message", () => {
    assert.throws(
      () => weightedAction(input({ stickinessConfig: { enabled: true, durationSeconds: 604_801 } }), 10),
      (err: unknown) => err instanceof TrafficRoutingError && /between 1 and 604800 seconds/.test(err.message),
    );
  });
});

describe('ALB render: setWeight annotations', () => {
  it('sets the action of the root Service and records it in the managed-annotations map', () => {
    const desired = renderWeight(albIngress(), 'web-ingress', input(), 30);
    assert.equal(desired.annotations[ACTION], weightedAction(input(), 30));
    assert.equal(desired.annotations[MANAGED_ALB_ANNOTATIONS], `{"web":["${ACTION}"]}`);
    assert.equal(desired.annotations['kubernetes.io/ingress.class'], 'alb', "the user's annotations are kept");
    assert.equal(desired.spec, undefined, 'setWeight leaves the spec alone');
  });

  it("keeps other Rollouts' entries, sorted by name as a Go map marshals", () => {
    const other = { [MANAGED_ALB_ANNOTATIONS]: '{"zeta":["a"],"alpha":null}' };
    const desired = renderWeight(albIngress(other), 'web-ingress', input(), 30);
    assert.equal(desired.annotations[MANAGED_ALB_ANNOTATIONS], `{"alpha":null,"web":["${ACTION}"],"zeta":["a"]}`);
  });

  it('uses the stable Service as the action Service without rootService', () => {
    const ingress = albIngress();
    for (const rule of ingress.spec?.rules ?? []) rule.http = { paths: [{ path: '/', backend: backend('web-stable') }] };
    const desired = renderWeight(ingress, 'web-ingress', input({ rootService: undefined }), 30);
    assert.ok(desired.annotations[`${P}/actions.web-stable`]);
  });

  it("follows annotationPrefix", () => {
    const desired = renderWeight(albIngress(), 'web-ingress', input({ annotationPrefix: 'custom.aws' }), 30);
    assert.ok(desired.annotations['custom.aws/actions.web-root']);
  });

  it("fails with Argo's message when no rule reaches the action Service", () => {
    assert.throws(
      () => renderWeight(albIngress(), 'web-ingress', input({ rootService: 'elsewhere' }), 30),
      (err: unknown) => err instanceof TrafficRoutingError && err.message.startsWith('ingress does not have service `elsewhere` in rules'),
    );
  });

  it('patches only what differs, and nothing once applied', () => {
    const ingress = albIngress();
    const patch = albIngressPatch(ingress, renderWeight(ingress, 'web-ingress', input(), 30));
    assert.deepEqual(Object.keys((patch?.metadata as { annotations: object }).annotations).sort(), [ACTION, MANAGED_ALB_ANNOTATIONS]);
    const applied = albIngress(renderWeight(ingress, 'web-ingress', input(), 30).annotations);
    assert.equal(albIngressPatch(applied, renderWeight(applied, 'web-ingress', input(), 30)), null);
  });

  it('reads the weights back from the action annotation', () => {
    const applied = albIngress(renderWeight(albIngress(), 'web-ingress', input(), 30).annotations);
    assert.equal(albWeightVerified(applied, input(), 30), true);
    assert.equal(albWeightVerified(applied, input(), 40), false);
    assert.equal(albWeightVerified(albIngress(), input(), 0), false, 'no action annotation: nothing verified');
    assert.equal(albWeightVerified(albIngress({ [ACTION]: 'not json' }), input(), 0), false);
  });
});

describe('ALB render: header routes', () => {
  const managedRoutes = [{ name: 'beta' }, { name: 'gamma' }];
  const beta = { name: 'beta', match: [{ headerName: 'X-Beta', headerValue: { exact: 'yes' } }] };

  it("merges exact values of one header into one condition, as Argo's upsertCondition", () => {
    const conditions = headerRouteConditions({
      name: 'beta',
      match: [
        { headerName: 'X-Beta', headerValue: { exact: 'yes' } },
        { headerName: 'X-Beta', headerValue: { exact: 'true' } },
        { headerName: 'X-Env', headerValue: { exact: 'a<b' } },
      ],
    });
    assert.equal(
      conditions,
      '[{"field":"http-header","httpHeaderConfig":{"httpHeaderName":"X-Beta","values":["yes","true"]}},{"field":"http-header","httpHeaderConfig":{"httpHeaderName":"X-Env","values":["a\\u003cb"]}}]',
    );
  });

  it('adds the action, the conditions and a use-annotation path at the top of every rule', () => {
    const desired = renderHeaderRoute(albIngress(), input({}, { managedRoutes }), beta);
    assert.equal(desired.annotations[`${P}/actions.beta`], '{"Type":"forward","ForwardConfig":{"TargetGroups":[{"ServiceName":"web-canary","ServicePort":"80","Weight":100}]}}');
    assert.equal(desired.annotations[`${P}/conditions.beta`], '[{"field":"http-header","httpHeaderConfig":{"httpHeaderName":"X-Beta","values":["yes"]}}]');
    assert.equal(desired.annotations[MANAGED_ALB_ANNOTATIONS], `{"web":["${P}/actions.beta","${P}/conditions.beta"]}`);
    for (const rule of desired.spec?.rules ?? []) {
      assert.deepEqual(rule.http?.paths.map((p) => [p.path, p.pathType, p.backend.service]), [
        ['/*', 'ImplementationSpecific', { name: 'beta', port: { name: 'use-annotation' } }],
        ['/', 'Prefix', { name: 'web-root', port: { number: 80 } }],
      ]);
    }
  });

  it('orders managed paths as managedRoutes lists them, whatever order the steps came in', () => {
    const routeInput = input({}, { managedRoutes });
    const withGamma = renderHeaderRoute(albIngress(), routeInput, { name: 'gamma', match: [{ headerName: 'X-G', headerValue: { exact: '1' } }] });
    const ingress: Ingress = { ...albIngress(withGamma.annotations), spec: withGamma.spec };
    const both = renderHeaderRoute(ingress, routeInput, beta);
    assert.deepEqual(both.spec?.rules?.[0]?.http?.paths.map((p) => p.backend.service?.name), ['beta', 'gamma', 'web-root']);
  });

  it('removes the route, its path and its managed keys for a step without match', () => {
    const routeInput = input({}, { managedRoutes });
    const added = renderHeaderRoute(albIngress(), routeInput, beta);
    const ingress: Ingress = { ...albIngress(added.annotations), spec: added.spec };
    const removed = renderHeaderRoute(ingress, routeInput, { name: 'beta' });
    assert.equal(removed.annotations[`${P}/actions.beta`], undefined);
    assert.equal(removed.annotations[`${P}/conditions.beta`], undefined);
    assert.equal(removed.annotations[MANAGED_ALB_ANNOTATIONS], '{"web":[]}');
    assert.deepEqual(removed.spec, albIngress().spec);
  });

  it('removeManagedRoutes takes out every managed route and keeps the weighted action', () => {
    const routeInput = input({}, { managedRoutes });
    const weighted = albIngress(renderWeight(albIngress(), 'web-ingress', routeInput, 30).annotations);
    const added = renderHeaderRoute(weighted, routeInput, beta);
    const ingress: Ingress = { ...albIngress(added.annotations), spec: added.spec };
    const removed = renderRemoveManagedRoutes(ingress, routeInput);
    assert.deepEqual(Object.keys(removed.annotations).filter((k) => k.startsWith(P)), [ACTION]);
    assert.equal(removed.annotations[MANAGED_ALB_ANNOTATIONS], `{"web":["${ACTION}"]}`);
    assert.deepEqual(removed.spec, albIngress().spec);
  });

  it('refuses a managed-annotations value that is not JSON, as Argo', () => {
    assert.throws(() => renderWeight(albIngress({ [MANAGED_ALB_ANNOTATIONS]: 'invalid, non-json value' }), 'web-ingress', input(), 10), TrafficRoutingError);
  });
});
