import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateRollout } from '../../../controller/api/index.ts';
import { gatewayRoutes } from '../../../controller/api/gatewayapi.ts';
import { guestbookRollout, type Json } from './support/guestbook.ts';

const PLUGIN = 'spec.strategy.canary.trafficRouting.plugins[argoproj-labs/gatewayAPI]';

/** A canary configured for Argo's Gateway API plugin with `config`, its other fields overridden by `canary`. */
function rollout(config: unknown, canary: Json = {}): Json {
  return guestbookRollout({
    canary: {
      canaryService: 'web-canary',
      stableService: 'web-stable',
      trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': config }, managedRoutes: [{ name: 'header' }] },
      steps: [{ setWeight: 20 }, { pause: {} }],
      ...canary,
    },
  });
}

function errorsOf(input: Json): Array<{ field: string; message: string }> {
  const result = validateRollout(input);
  return result.ok ? [] : result.errors;
}

describe('the Gateway API plugin configuration', () => {
  it('accepts the plugin\'s single and list forms, as written for the plugin', () => {
    for (const config of [
      { httpRoute: 'web', namespace: 'gateways' },
      { httpRoutes: [{ name: 'a', useHeaderRoutes: true }, { name: 'b' }], grpcRoute: 'g', tcpRoutes: [{ name: 't' }] },
      { tcpRoute: 't', disableInProgressLabel: true },
      { grpcRoutes: [{ name: 'g' }], inProgressLabelKey: 'example.com/canary', inProgressLabelValue: 'yes' },
    ]) {
      assert.deepEqual(errorsOf(rollout(config)), [], JSON.stringify(config));
    }
  });

  it('a configuration that names no route is refused, naming the plugin', () => {
    const [error] = errorsOf(rollout({ namespace: 'shop' }));
    assert.equal(error?.field, PLUGIN);
    assert.match(error?.message ?? '', /^Required value: no routes configured: set at least one of httpRoute, httpRoutes, grpcRoute/);
  });

  it('wrong types and unknown fields are named under the plugin key', () => {
    assert.deepEqual(errorsOf(rollout({ httpRoute: 7 })).map((e) => e.field), [`${PLUGIN}.httpRoute`]);
    assert.deepEqual(errorsOf(rollout({ httpRoutes: [{ useHeaderRoutes: true }] })).map((e) => e.field), [`${PLUGIN}.httpRoutes[0].name`]);
    assert.deepEqual(errorsOf(rollout({ httpRoutes: [{ name: '' }] })).map((e) => e.field), [`${PLUGIN}.httpRoutes[0].name`]);
    const [unknown] = errorsOf(rollout({ httpRoute: 'web', httpRout: 'typo' }));
    assert.equal(unknown?.field, `${PLUGIN}.httpRout`);
    assert.match(unknown?.message ?? '', /^Unsupported value: "httpRout"/);
  });

  it('needs both Services, which it weights', () => {
    const fields = errorsOf(rollout({ httpRoute: 'web' }, { canaryService: undefined })).map((e) => e.field);
    assert.deepEqual(fields, ['spec.strategy.canary.canaryService']);
  });

  it('a setHeaderRoute step needs a route that takes header routes', () => {
    const steps = [{ setHeaderRoute: { name: 'header', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } }, { setWeight: 20 }];
    assert.deepEqual(errorsOf(rollout({ httpRoute: 'web' }, { steps })), [], 'the single form takes header routes');
    assert.deepEqual(errorsOf(rollout({ httpRoutes: [{ name: 'web', useHeaderRoutes: true }] }, { steps })), []);
    const refused = errorsOf(rollout({ httpRoutes: [{ name: 'web' }], tcpRoute: 't' }, { steps }));
    assert.deepEqual(refused.map((e) => e.field), ['spec.strategy.canary.steps[0].setHeaderRoute']);
  });

  it('a setMirrorRoute step is refused: the Gateway API router does not mirror', () => {
    const steps = [{ setMirrorRoute: { name: 'header', match: [{ method: { exact: 'GET' } }] } }];
    assert.ok(errorsOf(rollout({ httpRoute: 'web' }, { steps })).some((e) => e.field === 'spec.strategy.canary.steps[0].setMirrorRoute'));
  });

  it('routes are read list form first, the single form taking header routes', () => {
    assert.deepEqual(gatewayRoutes({ httpRoute: 'one', httpRoutes: [{ name: 'two' }], tcpRoute: 't' }), [
      { kind: 'HTTPRoute', name: 'two', useHeaderRoutes: false },
      { kind: 'HTTPRoute', name: 'one', useHeaderRoutes: true },
      { kind: 'TCPRoute', name: 't', useHeaderRoutes: true },
    ]);
  });
});
