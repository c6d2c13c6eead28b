import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { generateCrdFiles, structuralViolations, toStructural, type JSONSchema } from '../../../controller/api/index.ts';

const crdsDir = new URL('../../../crds/', import.meta.url);

interface Crd {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; shortNames?: string[] };
    versions: {
      name: string;
      additionalPrinterColumns?: { name: string; type: string; jsonPath: string }[];
      subresources?: { status?: object; scale?: Record<string, string> };
      schema: { openAPIV3Schema: JSONSchema };
    }[];
  };
}

const generated = generateCrdFiles();
const crds = [...generated].filter(([name]) => name !== 'kustomization.yaml').map(([name, text]) => [name, parse(text) as Crd] as const);

function crdOf(kind: string): Crd {
  const found = crds.find(([, crd]) => crd.spec.names.kind === kind);
  assert.ok(found, `no CRD for ${kind}`);
  return found[1];
}

function schemaAt(schema: JSONSchema, path: string[]): JSONSchema {
  return path.reduce<JSONSchema>((node, key) => {
    const next = key === '[]' ? node.items : (node.properties as Record<string, JSONSchema> | undefined)?.[key];
    assert.ok(next, `no schema at ${path.join('.')}`);
    return next as JSONSchema;
  }, schema);
}

describe('crds/', () => {
  it('matches what the schemas generate', () => {
    const onDisk = readdirSync(crdsDir).filter((f) => f.endsWith('.yaml')).sort();
    assert.deepEqual(onDisk, [...generated.keys()].sort(), 'crds/ is stale: run npm run crds');
    for (const [name, text] of generated) {
      assert.equal(readFileSync(new URL(name, crdsDir), 'utf8'), text, 'crds/ is stale: run npm run crds');
    }
  });

  it('lists every CRD in the kustomization', () => {
    const kustomization = parse(generated.get('kustomization.yaml') ?? '') as { resources: string[] };
    assert.deepEqual(kustomization.resources, ['rollout-crd.yaml', 'analysistemplate-crd.yaml', 'clusteranalysistemplate-crd.yaml', 'analysisrun-crd.yaml', 'experiment-crd.yaml']);
  });

  for (const [name, crd] of crds) {
    it(`${name} has a structural schema`, () => {
      for (const version of crd.spec.versions) assert.deepEqual(structuralViolations(version.schema.openAPIV3Schema), []);
    });
  }

  it('names the kinds as Argo does', () => {
    const names = crds.map(([, crd]) => [crd.metadata.name, crd.spec.scope, crd.spec.names.shortNames]);
    assert.deepEqual(names, [
      ['rollouts.argoproj.io', 'Namespaced', ['ro']],
      ['analysistemplates.argoproj.io', 'Namespaced', ['at']],
      ['clusteranalysistemplates.argoproj.io', 'Cluster', ['cat']],
      ['analysisruns.argoproj.io', 'Namespaced', ['ar']],
      ['experiments.argoproj.io', 'Namespaced', ['exp']],
    ]);
  });

  it('gives Rollout the status and scale subresources and Argo printer columns', () => {
    const version = crdOf('Rollout').spec.versions[0];
    assert.deepEqual(version?.subresources, {
      status: {},
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.HPAReplicas', labelSelectorPath: '.status.selector' },
    });
    assert.deepEqual(
      version?.additionalPrinterColumns?.map((c) => [c.name, c.type, c.jsonPath]),
      [
        ['Desired', 'integer', '.spec.replicas'],
        ['Current', 'integer', '.status.replicas'],
        ['Up-to-date', 'integer', '.status.updatedReplicas'],
        ['Available', 'integer', '.status.availableReplicas'],
        ['Age', 'date', '.metadata.creationTimestamp'],
      ],
    );
  });

  it('renders int-or-string fields as x-kubernetes-int-or-string without a type', () => {
    const schema = crdOf('Rollout').spec.versions[0]?.schema.openAPIV3Schema as JSONSchema;
    for (const path of [
      ['spec', 'strategy', 'canary', 'maxSurge'],
      ['spec', 'strategy', 'canary', 'steps', '[]', 'pause', 'duration'],
      ['spec', 'strategy', 'blueGreen', 'maxUnavailable'],
    ]) {
      const node = schemaAt(schema, path);
      assert.equal(node['x-kubernetes-int-or-string'], true, path.join('.'));
      assert.equal(node.type, undefined, path.join('.'));
    }
  });

  it('keeps the pod template and the job spec as written', () => {
    const rollout = crdOf('Rollout').spec.versions[0]?.schema.openAPIV3Schema as JSONSchema;
    assert.deepEqual(schemaAt(rollout, ['spec', 'template']), { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    const template = crdOf('AnalysisTemplate').spec.versions[0]?.schema.openAPIV3Schema as JSONSchema;
    assert.deepEqual(schemaAt(template, ['spec', 'metrics', '[]', 'provider', 'job', 'spec']), { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('types Argo int32 fields with format int32', () => {
    const rollout = crdOf('Rollout').spec.versions[0]?.schema.openAPIV3Schema as JSONSchema;
    assert.deepEqual(schemaAt(rollout, ['spec', 'replicas']), { format: 'int32', type: 'integer' });
    assert.deepEqual(schemaAt(rollout, ['status', 'HPAReplicas']), { format: 'int32', type: 'integer' });
  });
});

describe('structuralViolations', () => {
  const cases: [string, JSONSchema, RegExp][] = [
    ['a node without a type', { type: 'object', properties: { a: { description: 'x' } } }, /properties\.a: must specify a type/],
    ['$ref', { type: 'object', properties: { a: { $ref: '#/defs/x' } } }, /keyword "\$ref" is not supported/],
    ['additionalProperties: false', { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }, /additionalProperties: false is not allowed/],
    ['properties next to additionalProperties', { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }, /mutually exclusive/],
    ['an array without items', { type: 'object', properties: { a: { type: 'array' } } }, /an array must specify items/],
    ['an int-or-string with a type', { type: 'object', properties: { a: { type: 'string', 'x-kubernetes-int-or-string': true } } }, /must not have a type/],
    ['a type inside anyOf', { type: 'object', properties: { a: { type: 'object', anyOf: [{ type: 'object' }] } } }, /"type" must not be set inside allOf/],
    ['a property only inside a junctor', { type: 'object', properties: { a: { type: 'object', anyOf: [{ properties: { b: {} } }] } } }, /property "b" must also be specified outside/],
    ['a restricted root metadata', { type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } }, /only metadata\.name and metadata\.generateName/],
    ['uniqueItems', { type: 'object', properties: { a: { type: 'array', items: { type: 'string' }, uniqueItems: true } } }, /uniqueItems cannot be set to true/],
    ['numeric exclusiveMinimum', { type: 'object', properties: { a: { type: 'integer', exclusiveMinimum: 0 } } }, /must be booleans/],
    ['an unknown keyword', { type: 'object', properties: { a: { type: 'string', propertyNames: { type: 'string' } } } }, /keyword "propertyNames"/],
    ['an unknown type', { type: 'object', properties: { a: { type: 'null' } } }, /type "null" is not one of/],
  ];
  for (const [name, schema, pattern] of cases) {
    it(`reports ${name}`, () => {
      const violations = structuralViolations(schema);
      assert.ok(violations.some((v) => pattern.test(v)), `expected ${pattern} in:\n${violations.join('\n')}`);
    });
  }

  it('accepts int-or-string written as anyOf integer/string', () => {
    assert.deepEqual(structuralViolations({ type: 'object', properties: { a: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true } } }), []);
  });
});

describe('toStructural', () => {
  it('refuses unions it cannot represent', () => {
    assert.throws(() => toStructural({ anyOf: [{ type: 'string' }, { type: 'boolean' }] }, 'x'), /x: unions other than int-or-string/);
  });

  it('refuses references', () => {
    assert.throws(() => toStructural({ $ref: '#/x' }, 'x'), /\$ref cannot appear/);
  });

  it('drops zod-only keywords and keeps map value schemas', () => {
    assert.deepEqual(toStructural({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'string' } }), {
      additionalProperties: { type: 'string' },
      type: 'object',
    });
  });
});
