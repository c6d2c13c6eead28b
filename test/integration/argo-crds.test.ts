import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { generateCrdFiles, type JSONSchema } from '../../controller/api/index.ts';
import { argoCrd } from '../support/argo-rollouts.ts';

/**
 * No field lost: every property of Argo Rollouts' CRDs (read from its Go module at test time) has
 * a place in Ramp's generated CRDs with a type that keeps the value, so a manifest written for
 * Argo is stored unpruned by an apiserver serving Ramp's CRDs, and so is the status Argo's
 * controller writes (the way back).
 */

const INT_OR_STRING = 'x-kubernetes-int-or-string';
const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

/** Argo's file for each kind Ramp serves. */
const ARGO_FILES: Record<string, string> = {
  Rollout: 'rollout-crd.yaml',
  AnalysisTemplate: 'analysis-template-crd.yaml',
  ClusterAnalysisTemplate: 'cluster-analysis-template-crd.yaml',
  AnalysisRun: 'analysis-run-crd.yaml',
  Experiment: 'experiment-crd.yaml',
};

interface Crd {
  spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: JSONSchema } }[] };
}

function schemaOf(crd: Crd): JSONSchema {
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  assert.ok(version, `${crd.spec.names.kind} has no v1alpha1 version`);
  return version.schema.openAPIV3Schema;
}

const rampCrds = new Map(
  [...generateCrdFiles()].filter(([name]) => name !== 'kustomization.yaml').map(([, text]) => {
    const crd = parse(text) as Crd;
    return [crd.spec.names.kind, crd] as const;
  }),
);

/** One way Ramp's schema would lose what Argo's keeps. */
interface Gap {
  path: string;
  problem: string;
}

const typeOf = (node: JSONSchema): string => (node[INT_OR_STRING] === true ? 'int-or-string' : typeof node.type === 'string' ? node.type : 'untyped');
const propertiesOf = (node: JSONSchema): Record<string, JSONSchema> => (node.properties as Record<string, JSONSchema> | undefined) ?? {};
const mapValuesOf = (node: JSONSchema): JSONSchema | undefined =>
  typeof node.additionalProperties === 'object' && node.additionalProperties !== null ? (node.additionalProperties as JSONSchema) : undefined;
const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/**
 * Walks Argo's schema node by node beside Ramp's. Below a Ramp node that preserves unknown fields
 * nothing is pruned, so the walk stops there. `[]` stands for the items of a list, `*` for the
 * values of a map.
 */
function gaps(argo: JSONSchema, ramp: JSONSchema | undefined, path: string): Gap[] {
  if (ramp === undefined) return [{ path, problem: `missing (Argo: ${typeOf(argo)})` }];
  if (ramp[PRESERVE] === true) return [];
  const [argoType, rampType] = [typeOf(argo), typeOf(ramp)];
  if (argoType !== rampType) return [{ path, problem: `type ${rampType}, Argo has ${argoType}` }];
  if (argo[PRESERVE] === true) return [{ path, problem: 'Argo keeps unknown fields here, Ramp prunes them' }];
  const found: Gap[] = [];
  if (argoType === 'array' && argo.items) found.push(...gaps(argo.items as JSONSchema, ramp.items as JSONSchema | undefined, `${path}[]`));
  if (argoType === 'object') {
    const rampProperties = propertiesOf(ramp);
    for (const [key, child] of Object.entries(propertiesOf(argo))) found.push(...gaps(child, rampProperties[key], join(path, key)));
    const argoValues = mapValuesOf(argo);
    if (argoValues) found.push(...gaps(argoValues, mapValuesOf(ramp), join(path, '*')));
  }
  return found;
}

/**
 * Fields Ramp's schema requires where Argo's does not: the API server would refuse a manifest
 * Argo's stores, losing all of it.
 */
function stricter(argo: JSONSchema, ramp: JSONSchema | undefined, path: string): Gap[] {
  if (ramp === undefined || ramp[PRESERVE] === true) return [];
  const argoRequired = new Set((argo.required as string[] | undefined) ?? []);
  const found: Gap[] = ((ramp.required as string[] | undefined) ?? [])
    .filter((key) => !argoRequired.has(key))
    .map((key) => ({ path: join(path, key), problem: 'required by Ramp, optional in Argo' }));
  const rampEnum = ramp.enum as unknown[] | undefined;
  const argoEnum = argo.enum as unknown[] | undefined;
  if (rampEnum && !(argoEnum && argoEnum.every((value) => rampEnum.includes(value)))) {
    found.push({ path, problem: `enum ${JSON.stringify(rampEnum)} in Ramp, ${argoEnum ? `${JSON.stringify(argoEnum)} in Argo` : 'any value in Argo'}` });
  }
  // Where Argo's schema stops (a preserved or free-form object), any enum below it in Ramp's is stricter.
  if (argo[PRESERVE] === true || (argo.type === 'object' && !argo.properties && !mapValuesOf(argo))) found.push(...enumsBelow(ramp, path));
  if (argo.items) found.push(...stricter(argo.items as JSONSchema, ramp.items as JSONSchema | undefined, `${path}[]`));
  const rampProperties = propertiesOf(ramp);
  for (const [key, child] of Object.entries(propertiesOf(argo))) found.push(...stricter(child, rampProperties[key], join(path, key)));
  const argoValues = mapValuesOf(argo);
  if (argoValues) found.push(...stricter(argoValues, mapValuesOf(ramp), join(path, '*')));
  return found;
}

/** Every enum in a subtree of Ramp's schema. */
function enumsBelow(ramp: JSONSchema, path: string): Gap[] {
  const here: Gap[] = [];
  if (ramp.items) here.push(...enumsBelow(ramp.items as JSONSchema, `${path}[]`), ...(((ramp.items as JSONSchema).enum) ? [{ path: `${path}[]`, problem: 'enum in Ramp, any value in Argo' }] : []));
  for (const [key, child] of Object.entries(propertiesOf(ramp))) {
    if (child.enum) here.push({ path: join(path, key), problem: 'enum in Ramp, any value in Argo' });
    here.push(...enumsBelow(child, join(path, key)));
  }
  return here;
}

/** Every path of Argo's schema, for the count in the report. */
function paths(node: JSONSchema): number {
  const items = node.items ? paths(node.items as JSONSchema) : 0;
  const values = mapValuesOf(node);
  return 1 + items + (values ? paths(values) : 0) + Object.values(propertiesOf(node)).reduce((n, child) => n + paths(child), 0);
}

describe("Ramp's CRDs keep every field of Argo Rollouts' CRDs", () => {
  it('serves the kinds compared here', () => {
    assert.deepEqual([...rampCrds.keys()].sort(), Object.keys(ARGO_FILES).sort());
  });

  for (const [kind, file] of Object.entries(ARGO_FILES)) {
    it(`${kind}: every property of Argo's ${file} exists in Ramp's with a compatible type`, () => {
      const argo = schemaOf(argoCrd(file) as unknown as Crd);
      const ramp = rampCrds.get(kind);
      assert.ok(ramp, `Ramp has no CRD for ${kind}`);
      const argoProperties = propertiesOf(argo);
      assert.ok(argoProperties.spec && paths(argoProperties.spec) > 10, `Argo's ${file} has a spec schema to compare`);
      const found = gaps(argo, schemaOf(ramp), '');
      assert.deepEqual(found, [], report(`${kind}: ${found.length} of Argo's ${paths(argo)} schema paths are lost by Ramp's CRD`, found));
    });
  }
});


describe("Ramp's CRDs require no field and restrict no value Argo Rollouts' CRDs leave open", () => {
  for (const [kind, file] of Object.entries(ARGO_FILES)) {
    it(`${kind}: nothing required beyond Argo's ${file}`, () => {
      const ramp = rampCrds.get(kind);
      assert.ok(ramp, `Ramp has no CRD for ${kind}`);
      const found = stricter(schemaOf(argoCrd(file) as unknown as Crd), schemaOf(ramp), '');
      assert.deepEqual(found.map((g) => g.path), [], report(`${kind}: Ramp's CRD refuses manifests Argo's stores`, found));
    });
  }
});

/**
 * The other way: a cluster that still has Argo's CRDs installed, with Ramp running. Every property
 * of Ramp's schemas that Argo's would prune, by kind; only these are lost there. Of them Ramp's
 * controller writes only status.duration (a field Argo added after v1.10.2: Ramp recomputes it
 * from the next update, docs/operations.md); the authentication and caCert fields are ones a user
 * writes into a template, which Argo v1.10.2 has no place for either.
 */
const PRUNED_BY_ARGO: Record<string, string[]> = {
  Rollout: ['status.duration'],
  AnalysisTemplate: ['spec.metrics[].provider.prometheus.authentication.basicAuth', 'spec.metrics[].provider.prometheus.caCert', 'spec.metrics[].provider.web.authentication.basicAuth'],
  ClusterAnalysisTemplate: ['spec.metrics[].provider.prometheus.authentication.basicAuth', 'spec.metrics[].provider.prometheus.caCert', 'spec.metrics[].provider.web.authentication.basicAuth'],
  AnalysisRun: ['spec.metrics[].provider.prometheus.authentication.basicAuth', 'spec.metrics[].provider.prometheus.caCert', 'spec.metrics[].provider.web.authentication.basicAuth'],
  Experiment: [],
};

describe("Ramp on Argo Rollouts' CRDs as installed", () => {
  for (const [kind, file] of Object.entries(ARGO_FILES)) {
    it(`${kind}: Argo's ${file} prunes only the known fields of Ramp's schema`, () => {
      const ramp = rampCrds.get(kind);
      assert.ok(ramp, `Ramp has no CRD for ${kind}`);
      // The comparison with the roles swapped: Ramp's schema walked beside Argo's.
      const lost = gaps(schemaOf(ramp), schemaOf(argoCrd(file) as unknown as Crd), '').filter((g) => g.problem.startsWith('missing') || g.problem.startsWith('type'));
      assert.deepEqual(lost.map((g) => g.path), PRUNED_BY_ARGO[kind], report(`${kind}: what Argo's CRD loses of Ramp's`, lost));
    });
  }
});

/** The gaps as a list a person reads, printed too so a passing run shows the known ones. */
function report(title: string, found: readonly Gap[]): string {
  const text = `${title}:\n  ${found.map((g) => `${g.path}: ${g.problem}`).join('\n  ')}`;
  if (found.length > 0) console.log(text);
  return text;
}

describe('the comparison', () => {
  const obj = (properties: Record<string, JSONSchema>, extra: JSONSchema = {}): JSONSchema => ({ type: 'object', properties, ...extra });
  const str = { type: 'string' };

  it('names a missing property with its full path, through lists and maps', () => {
    const argo = obj({ spec: obj({ steps: { type: 'array', items: obj({ pause: str, extra: str }) }, labels: { type: 'object', additionalProperties: obj({ a: str }) } }) });
    const ramp = obj({ spec: obj({ steps: { type: 'array', items: obj({ pause: str }) }, labels: { type: 'object', additionalProperties: obj({}) } }) });
    assert.deepEqual(gaps(argo, ramp, ''), [
      { path: 'spec.steps[].extra', problem: 'missing (Argo: string)' },
      { path: 'spec.labels.*.a', problem: 'missing (Argo: string)' },
    ]);
  });

  it('accepts int-or-string on both sides and refuses it on one', () => {
    const ios = { [INT_OR_STRING]: true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
    assert.deepEqual(gaps(obj({ a: ios }), obj({ a: ios }), ''), []);
    assert.deepEqual(gaps(obj({ a: ios }), obj({ a: str }), ''), [{ path: 'a', problem: 'type string, Argo has int-or-string' }]);
  });

  it('stops below a Ramp node that preserves unknown fields', () => {
    assert.deepEqual(gaps(obj({ template: obj({ spec: obj({ containers: { type: 'array', items: str } }) }) }), obj({ template: { type: 'object', [PRESERVE]: true } }), ''), []);
  });

  it('reports a node where Argo preserves unknown fields and Ramp prunes them', () => {
    assert.deepEqual(gaps(obj({ config: { type: 'object', [PRESERVE]: true } }), obj({ config: obj({ a: str }) }), ''), [
      { path: 'config', problem: 'Argo keeps unknown fields here, Ramp prunes them' },
    ]);
  });

  it('reports a field only Ramp requires', () => {
    const argo = obj({ spec: obj({ a: str, b: str }, { required: ['a'] }) });
    const ramp = obj({ spec: obj({ a: str, b: str }, { required: ['a', 'b'] }) });
    assert.deepEqual(stricter(argo, ramp, ''), [{ path: 'spec.b', problem: 'required by Ramp, optional in Argo' }]);
    assert.deepEqual(stricter(ramp, ramp, ''), []);
  });

  it('reports a different type', () => {
    assert.deepEqual(gaps(obj({ n: { type: 'integer' } }), obj({ n: str }), ''), [{ path: 'n', problem: 'type string, Argo has integer' }]);
  });
});
