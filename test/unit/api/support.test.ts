import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { invalidSpecMessage, validateAnalysisTemplate, validateRollout } from '../../../controller/api/index.ts';
import { AnalysisTemplateSchema } from '../../../controller/api/analysistemplate.ts';
import { GATEWAY_API_PLUGIN, GatewayAPIConfigSchema } from '../../../controller/api/gatewayapi.ts';
import { MetricSchema } from '../../../controller/api/metric.ts';
import { RolloutSchema } from '../../../controller/api/rollout.ts';
import { ExperimentSchema } from '../../../controller/api/experiment.ts';
import { SUPPORT, unsupportedInMetric, unsupportedInRollout, unsupportedInTemplate, type SupportEntry } from '../../../controller/api/support.ts';
import { renderSupportDoc } from '../../../scripts/support-doc.ts';
import { guestbookRollout, type Json } from './support/guestbook.ts';

const rollout = guestbookRollout;

const services = { canaryService: 'guestbook-canary', stableService: 'guestbook-stable' };
const router = (trafficRouting: Json): Json => rollout({ canary: { ...services, trafficRouting, steps: [{ setWeight: 20 }, { pause: {} }] } });
const step = (s: Json): Json => rollout({ canary: { steps: [{ setWeight: 20 }, s, { pause: {} }] } });

/** For each refused Rollout field: a Rollout that Argo accepts and that sets it, and the path named. */
const refusedRollouts: Record<string, { input: Json; path: string }> = {
  'spec.strategy.canary.trafficRouting.plugins.*': {
    input: router({ plugins: { 'argoproj-labs/contour': { httpProxies: ['guestbook'], namespace: 'default' } } }),
    path: 'spec.strategy.canary.trafficRouting.plugins[argoproj-labs/contour]',
  },
  ...Object.fromEntries(
    (
      [
        ['tlsRoute', 'guestbook'],
        ['tlsRoutes', [{ name: 'guestbook' }]],
        ['httpRouteSelector', { matchLabels: { app: 'guestbook' } }],
        ['grpcRouteSelector', { matchLabels: { app: 'guestbook' } }],
        ['tcpRouteSelector', { matchLabels: { app: 'guestbook' } }],
        ['tlsRouteSelector', { matchLabels: { app: 'guestbook' } }],
        ['configMap', 'argo-gatewayapi-configmap'],
      ] as const
    ).map(([field, value]) => [
      `spec.strategy.canary.trafficRouting.plugins.argoproj-labs/gatewayAPI.${field}`,
      {
        input: router({ plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'guestbook', [field]: value } } }),
        path: `spec.strategy.canary.trafficRouting.plugins[argoproj-labs/gatewayAPI].${field}`,
      },
    ]),
  ),
  'spec.strategy.canary.trafficRouting.istio.destinationRule.additionalSubsetNames': {
    input: router({
      istio: { virtualService: { name: 'guestbook', routes: ['primary'] }, destinationRule: { name: 'guestbook', canarySubsetName: 'canary', stableSubsetName: 'stable', additionalSubsetNames: ['mirror'] } },
    }),
    path: 'spec.strategy.canary.trafficRouting.istio.destinationRule.additionalSubsetNames',
  },
  'spec.strategy.canary.replicaProgressThreshold': {
    input: rollout({ canary: { replicaProgressThreshold: { type: 'Percent', value: 50 }, steps: [{ setWeight: 20 }, { pause: {} }] } }),
    path: 'spec.strategy.canary.replicaProgressThreshold',
  },
  'spec.strategy.canary.steps[].plugin': { input: step({ plugin: { name: 'argoproj-labs/sample', config: {} } }), path: 'spec.strategy.canary.steps[1].plugin' },
};

/** The zod schema at a table path, or undefined where the path leaves the schema. */
function schemaAt(root: unknown, field: string): unknown {
  let node = root as { _zod?: { def: Record<string, unknown> } } | undefined;
  const unwrap = (): void => {
    for (;;) {
      const def = node?._zod?.def;
      if (def && ['optional', 'nullable', 'default', 'readonly'].includes(def.type as string)) node = def.innerType as typeof node;
      else if (def?.type === 'pipe') node = def.in as typeof node;
      else return;
    }
  };
  for (const part of field.split('.')) {
    unwrap();
    const def = node?._zod?.def;
    if (part === '*') {
      if (def?.type !== 'record' && !(def?.type === 'object' && def.catchall)) return undefined;
      return node;
    }
    const key = part.endsWith('[]') ? part.slice(0, -2) : part;
    if (def?.type !== 'object') return undefined;
    node = (def.shape as Record<string, typeof node>)[key];
    if (part.endsWith('[]')) {
      unwrap();
      if (node?._zod?.def.type !== 'array') return undefined;
      node = node._zod.def.element as typeof node;
    }
  }
  return node;
}

/** The Gateway API plugin's fields are checked against its own schema: `plugins` stays opaque in the Rollout's. */
const GATEWAY_FIELD = `spec.strategy.canary.trafficRouting.plugins.${GATEWAY_API_PLUGIN}`;

describe('the support table', () => {
  it('names only fields the API schemas have', () => {
    for (const entry of SUPPORT) {
      const root = { Rollout: RolloutSchema, template: AnalysisTemplateSchema, metric: MetricSchema, Experiment: ExperimentSchema }[entry.on];
      const found = entry.field.startsWith(`${GATEWAY_FIELD}.`)
        ? schemaAt(GatewayAPIConfigSchema, entry.field.slice(GATEWAY_FIELD.length + 1))
        : entry.field === GATEWAY_FIELD
          ? schemaAt(root, 'spec.strategy.canary.trafficRouting.plugins.*')
          : schemaAt(root, entry.field);
      assert.notEqual(found, undefined, `${entry.field} is not a field of the ${entry.on} schema`);
    }
  });

  it('has one entry per field and strategy, with what and how filled in', () => {
    const keys = SUPPORT.map((e) => `${e.on} ${e.field}`);
    assert.deepEqual(keys, [...new Set(keys)]);
    for (const entry of SUPPORT) {
      assert.ok(entry.what.length > 0 && entry.note.length > 0, entry.field);
    }
  });

  it('docs/support.md is the table as generated (npm run docs:support)', () => {
    assert.equal(readFileSync(new URL('../../../docs/support.md', import.meta.url), 'utf8'), renderSupportDoc());
  });
});

describe('a Rollout that sets a field Ramp does not carry out is refused, naming the field', () => {
  const refused = SUPPORT.filter((e: SupportEntry) => e.on === 'Rollout' && !e.supported);
  it('every refused Rollout field has a case here', () => {
    assert.deepEqual(refused.map((e) => e.field).sort(), Object.keys(refusedRollouts).sort());
  });
  for (const entry of refused) {
    it(`${entry.what} (${entry.field})`, () => {
      const { input, path } = refusedRollouts[entry.field]!;
      const result = validateRollout(input);
      assert.equal(result.ok, false);
      if (result.ok) return;
      const error = result.errors.find((e) => e.field === path);
      assert.ok(error, `an error names ${path}; got ${JSON.stringify(result.errors)}`);
      assert.equal(error.message, `Forbidden: Ramp does not support ${entry.what}; ${entry.note}`);
    });
  }

  it('the InvalidSpec message leads with the refused field when Argo accepts the rest', () => {
    const result = validateRollout(refusedRollouts['spec.strategy.canary.steps[].plugin']!.input);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(
      invalidSpecMessage('guestbook', result.errors),
      'The Rollout "guestbook" is invalid: spec.strategy.canary.steps[1].plugin: Forbidden: Ramp does not support step plugins; use the built-in steps',
    );
  });

  it('a Rollout with Argo errors too reports Argo’s first, as Argo would', () => {
    const input = router({ plugins: { 'argoproj-labs/contour': {} }, maxTrafficWeight: 0 });
    const result = validateRollout(input);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.errors[0]?.field, 'spec.strategy.canary.trafficRouting.maxTrafficWeight');
    assert.ok(result.errors.some((e) => e.field === 'spec.strategy.canary.trafficRouting.plugins[argoproj-labs/contour]'));
  });

  it('rollbackWindow is carried out by both strategies', () => {
    assert.equal(validateRollout(rollout({ canary: { steps: [{ setWeight: 50 }] } }, { rollbackWindow: { revisions: 2 } })).ok, true);
    assert.equal(validateRollout(rollout({ blueGreen: { activeService: 'active', previewService: 'preview' } }, { rollbackWindow: { revisions: 2 } })).ok, true);
  });

  it('the routers and steps Ramp carries out are accepted', () => {
    assert.equal(validateRollout(router({ nginx: { stableIngress: 'guestbook' } })).ok, true);
    assert.equal(validateRollout(router({ istio: { virtualService: { name: 'guestbook', routes: ['primary'] } } })).ok, true);
    assert.equal(validateRollout(router({ ambassador: { mappings: ['guestbook'] } })).ok, true);
    assert.equal(validateRollout(router({ apisix: { route: { name: 'guestbook', rules: ['canary'] } } })).ok, true);
    assert.equal(validateRollout(router({ smi: { rootService: 'guestbook', trafficSplitName: 'guestbook' } })).ok, true);
    assert.equal(validateRollout(router({ smi: {} })).ok, true, 'SMI with the defaults: the stable Service as root, the Rollout\'s name');
    assert.equal(validateRollout(router({ traefik: { weightedTraefikServiceName: 'guestbook' } })).ok, true);
    const appMesh = { virtualService: { name: 'guestbook', routes: ['primary'] }, virtualNodeGroup: { canaryVirtualNodeRef: { name: 'c' }, stableVirtualNodeRef: { name: 's' } } };
    assert.equal(validateRollout(router({ appMesh })).ok, true);
    assert.equal(validateRollout(router({ appMesh: { ...appMesh, meshName: 'm' } })).ok, false, 'a field Argo does not have is invalid');
    assert.deepEqual(unsupportedInRollout(step({ setCanaryScale: { replicas: 1 } })), []);
    assert.equal(validateRollout(step({ experiment: { templates: [{ name: 'canary', specRef: 'canary' }], duration: '5m' } })).ok, true, 'the experiment step');
    const weighted = { setWeight: 20 };
    const experiment = { experiment: { templates: [{ name: 'canary', specRef: 'canary', weight: 10 }] } };
    assert.equal(validateRollout(rollout({ canary: { ...services, trafficRouting: { smi: {} }, steps: [weighted, experiment] } })).ok, true, 'template weights with SMI');
    assert.deepEqual(unsupportedInRollout(router({ plugins: {} })), [], 'an empty plugins map sets no plugin');
  });

  it('a supported router\'s schema is Argo\'s exactly: an unknown field is refused by name', () => {
    const result = validateRollout(router({ ambassador: { mappings: ['guestbook'], weight: 10 } }));
    assert.equal(result.ok, false);
    assert.match(invalidSpecMessage('guestbook', result.ok ? [] : result.errors), /trafficRouting\.ambassador\.weight/);
    const apisix = validateRollout(router({ apisix: { route: { name: 'guestbook', plugins: [] } } }));
    assert.match(invalidSpecMessage('guestbook', apisix.ok ? [] : apisix.errors), /trafficRouting\.apisix\.route\.plugins/);
  });

  it('the SMI and Traefik schemas are strict: a field Argo does not have is refused, naming it', () => {
    for (const [tr, path] of [
      [{ smi: { rootService: 'guestbook', matches: [] } }, 'spec.strategy.canary.trafficRouting.smi.matches'],
      [{ traefik: { weightedTraefikServiceName: 'guestbook', mirror: 'x' } }, 'spec.strategy.canary.trafficRouting.traefik.mirror'],
    ] as const) {
      const result = validateRollout(router(tr));
      assert.equal(result.ok, false);
      if (result.ok) continue;
      assert.equal(result.errors[0]?.field, path);
    }
  });

  it('a key named in the table wins over the `*` that refuses every other plugin', () => {
    const gateway = { httpRoute: 'guestbook' };
    assert.deepEqual(unsupportedInRollout(router({ plugins: { 'argoproj-labs/gatewayAPI': gateway } })), []);
    assert.equal(validateRollout(router({ plugins: { 'argoproj-labs/gatewayAPI': gateway } })).ok, true);
    assert.deepEqual(
      unsupportedInRollout(router({ plugins: { 'argoproj-labs/gatewayAPI': gateway, 'argoproj-labs/contour': {} } })).map((u) => u.path),
      ['spec.strategy.canary.trafficRouting.plugins[argoproj-labs/contour]'],
      'the other plugin is still refused',
    );
    assert.deepEqual(
      unsupportedInRollout(router({ plugins: { 'argoproj-labs/gatewayAPI': { ...gateway, tlsRoute: 't' } } })).map((u) => u.path),
      ['spec.strategy.canary.trafficRouting.plugins[argoproj-labs/gatewayAPI].tlsRoute'],
      'a refused field inside the supported plugin is still refused',
    );
  });

  it('finds every step that uses a refused kind', () => {
    const input = rollout({ canary: { steps: [{ plugin: { name: 'a' } }, { setWeight: 10 }, { plugin: { name: 'b' } }] } });
    assert.deepEqual(
      unsupportedInRollout(input).map((u) => u.path),
      ['spec.strategy.canary.steps[0].plugin', 'spec.strategy.canary.steps[2].plugin'],
    );
  });
});

describe('an AnalysisTemplate or ClusterAnalysisTemplate that sets a field Ramp does not carry out is refused, naming the field', () => {
  const template = (kind: string, spec: Json): Json => ({ apiVersion: 'argoproj.io/v1alpha1', kind, metadata: { name: 'composed' }, spec });
  const metric = { name: 'up', provider: { prometheus: { address: 'http://prometheus:9090', query: 'up' } } };
  /** For each refused template field: a spec Argo accepts that sets it, and the path named. */
  const refusedTemplates: Record<string, { spec: Json; path: string }> = {};

  it('a template composed of others (spec.templates), alone or beside metrics, is accepted', () => {
    const spec = { templates: [{ templateName: 'error-rate' }, { templateName: 'latency', clusterScope: true }] };
    for (const kind of ['AnalysisTemplate', 'ClusterAnalysisTemplate']) {
      for (const input of [template(kind, spec), template(kind, { ...spec, metrics: [metric] })]) assert.equal(validateAnalysisTemplate(input).ok, true);
    }
  });

  it('every refused template field has a case here', () => {
    assert.deepEqual(SUPPORT.filter((e) => e.on === 'template' && !e.supported).map((e) => e.field).sort(), Object.keys(refusedTemplates).sort());
  });

  for (const entry of SUPPORT.filter((e) => e.on === 'template' && !e.supported)) {
    for (const kind of ['AnalysisTemplate', 'ClusterAnalysisTemplate']) {
      it(`${kind}: ${entry.what} (${entry.field}), alone as Argo allows or beside metrics`, () => {
        const { spec, path } = refusedTemplates[entry.field]!;
        for (const input of [template(kind, spec), template(kind, { ...spec, metrics: [metric] })]) {
          const result = validateAnalysisTemplate(input);
          assert.equal(result.ok, false);
          if (result.ok) return;
          assert.deepEqual(result.errors.map((e) => [e.field, e.message]), [[path, `Forbidden: Ramp does not support ${entry.what}; ${entry.note}`]]);
        }
      });
    }
  }

  it('a template without the refused fields is accepted, and one with neither metrics nor templates is told it has no metrics', () => {
    assert.deepEqual(unsupportedInTemplate(template('AnalysisTemplate', { metrics: [metric] })), []);
    assert.equal(validateAnalysisTemplate(template('AnalysisTemplate', { metrics: [metric] })).ok, true);
    const empty = validateAnalysisTemplate(template('AnalysisTemplate', {}));
    assert.equal(empty.ok, false);
    if (!empty.ok) assert.deepEqual(empty.errors.map((e) => [e.field, e.message]), [['spec.metrics', 'Required value: no metrics specified']]);
  });
});

describe('metric fields Ramp does not carry out', () => {
  it('each refused provider is found where the metric sets it', () => {
    for (const entry of SUPPORT.filter((e) => e.on === 'metric' && !e.supported)) {
      const provider = entry.field.split('.').slice(1).reduceRight<unknown>((inner, key) => ({ [key]: inner }), { configured: true });
      const uses = unsupportedInMetric({ name: 'm', provider }, 'spec.metrics[0]');
      assert.ok(
        uses.some((u) => u.entry === entry && u.path === `spec.metrics[0].${entry.field}`),
        `${entry.field}: ${JSON.stringify(uses.map((u) => u.path))}`,
      );
    }
  });

  it('the providers Ramp runs are not refused', () => {
    assert.deepEqual(unsupportedInMetric({ name: 'm', provider: { prometheus: { address: 'http://p', query: 'up', authentication: { basicAuth: { username: 'u' } } } } }, 'm'), []);
    assert.deepEqual(unsupportedInMetric({ name: 'm', provider: { web: { url: 'http://w' } } }, 'm'), []);
  });
});
