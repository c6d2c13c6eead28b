import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrafficRoutingError } from '../../../controller/traffic/router.ts';
import { renderTraefikWeights, traefikApiVersion, traefikWeightsVerified, type TraefikService } from '../../../controller/traffic/traefik/render.ts';
import { NAMESPACE } from './support/fixtures.ts';

const services = { stableService: 'web-stable', canaryService: 'web-canary' };

function traefikService(weighted: unknown): TraefikService {
  return { apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService', metadata: { name: 'web', namespace: NAMESPACE }, spec: { weighted } as TraefikService['spec'] };
}

describe('Traefik weighted service rendering', () => {
  it('puts the weight on the canary entry and 100 minus it on the stable one, keeping the rest', () => {
    const obj = traefikService({
      services: [
        { name: 'web-stable', port: 80, weight: 100 },
        { name: 'web-canary', port: 80 },
        { name: 'other', port: 80, weight: 7 },
      ],
      sticky: { cookie: {} },
    });
    assert.deepEqual(renderTraefikWeights(obj, services, 30), [
      { name: 'web-stable', port: 80, weight: 70 },
      { name: 'web-canary', port: 80, weight: 30 },
      { name: 'other', port: 80, weight: 7 },
    ]);
    assert.equal(obj.spec?.weighted?.services?.length, 3, 'the object read is not changed');
    assert.equal(traefikWeightsVerified(obj, services, 30), false);
    assert.equal(traefikWeightsVerified(traefikService({ services: renderTraefikWeights(obj, services, 30) }), services, 30), true);
  });

  const failures: Array<[string, unknown, RegExp]> = [
    ['no spec.weighted.services', {}, /spec\.weighted\.services was not found in traefik service manifest/],
    ['an entry without a name', { services: [{ port: 80 }] }, /name field was not found in service/],
    ['an entry that is not a map', { services: ['web-canary'] }, /Failed type assertion setting weight for traefik service/],
    ['no canary entry', { services: [{ name: 'web-stable' }] }, /traefik canary service was not found/],
    ['no stable entry', { services: [{ name: 'web-canary' }] }, /traefik stable service was not found/],
  ];
  for (const [what, weighted, message] of failures) {
    it(`${what}: an error with Argo's text, naming the TraefikService`, () => {
      assert.throws(() => renderTraefikWeights(traefikService(weighted), services, 10), (err: unknown) => {
        assert.ok(err instanceof TrafficRoutingError);
        assert.match(err.message, message);
        assert.deepEqual(err.object, { kind: 'TraefikService', namespace: NAMESPACE, name: 'web' });
        return true;
      });
    });
  }

  it('takes the version after the last "/" of --traefik-api-version, as Argo', () => {
    assert.equal(traefikApiVersion('traefik.io', 'traefik.io/v1alpha1'), 'traefik.io/v1alpha1');
    assert.equal(traefikApiVersion('traefik.containo.us', 'traefik.containo.us/v1alpha1'), 'traefik.containo.us/v1alpha1');
    assert.equal(traefikApiVersion('traefik.containo.us', 'v1alpha1'), 'traefik.containo.us/v1alpha1');
  });
});
