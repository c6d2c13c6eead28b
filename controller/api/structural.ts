import { INT_OR_STRING, PRESERVE_UNKNOWN } from './kit.ts';

/**
 * Turning zod's JSON Schema into a structural OpenAPI v3 schema for a CRD, and checking a schema
 * against the Kubernetes rules for structural schemas.
 */

export type JSONSchema = { [key: string]: unknown };

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const SAFE = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

/**
 * Keywords a CRD schema node may carry here; everything else zod emits is dropped. Enums are
 * dropped too: Argo's CRDs take any string where zod lists the values (a web metric's method,
 * podTemplateHashValue, status phases), so the apiserver stores what Argo's would, and the
 * controller's validation refuses a bad value with InvalidSpec naming the field.
 */
const KEPT = new Set([
  'type',
  'format',
  'description',
  'properties',
  'items',
  'required',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'additionalProperties',
]);

/** Converts one zod JSON Schema node (target openapi-3.0, references inlined) into a structural node. */
export function toStructural(node: JSONSchema, where = '<root>'): JSONSchema {
  if ('$ref' in node) throw new Error(`${where}: $ref cannot appear in a CRD schema; the schema must not be recursive`);
  const description = typeof node.description === 'string' ? { description: node.description } : {};
  if (node[INT_OR_STRING] === true) {
    return { ...description, anyOf: [{ type: 'integer' }, { type: 'string' }], [INT_OR_STRING]: true };
  }
  if (node[PRESERVE_UNKNOWN] === true) {
    return { ...description, type: 'object', [PRESERVE_UNKNOWN]: true };
  }
  if (node.anyOf || node.oneOf || node.allOf) {
    throw new Error(`${where}: unions other than int-or-string cannot be represented structurally; mark the field with ${PRESERVE_UNKNOWN}`);
  }
  if (typeof node.type !== 'string') throw new Error(`${where}: schema node has no type`);

  const out: JSONSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!KEPT.has(key)) continue;
    if (key === 'properties') {
      const properties: JSONSchema = {};
      for (const [name, child] of Object.entries(value as Record<string, JSONSchema>).sort(([a], [b]) => a.localeCompare(b))) {
        properties[name] = toStructural(child, `${where}.${name}`);
      }
      out.properties = properties;
    } else if (key === 'items') {
      out.items = toStructural(value as JSONSchema, `${where}[]`);
    } else if (key === 'additionalProperties') {
      // A map keeps its value schema; `false` (strict objects) and `{}` (loose objects) are dropped:
      // unknown fields are pruned by the API server, which is the structural default.
      const isMap = typeof value === 'object' && value !== null && Object.keys(value).length > 0 && !('properties' in node);
      if (isMap) out.additionalProperties = toStructural(value as JSONSchema, `${where}{}`);
    } else if (key === 'required') {
      const required = [...(value as string[])].sort();
      if (required.length > 0) out.required = required;
    } else {
      out[key] = value;
    }
  }
  if (out.type === 'integer') {
    const bounds = out.minimum === INT32.min || out.maximum === INT32.max || out.format === 'int32' ? INT32 : SAFE;
    if (out.minimum === bounds.min || out.minimum === SAFE.min) delete out.minimum;
    if (out.maximum === bounds.max || out.maximum === SAFE.max) delete out.maximum;
    out.format ??= bounds === INT32 ? 'int32' : 'int64';
  }
  return sortKeys(out);
}

function sortKeys(node: JSONSchema): JSONSchema {
  return Object.fromEntries(Object.entries(node).sort(([a], [b]) => a.localeCompare(b)));
}

const ALLOWED_KEYWORDS = new Set([
  'type',
  'format',
  'description',
  'title',
  'properties',
  'items',
  'required',
  'enum',
  'default',
  'nullable',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'additionalProperties',
  'anyOf',
  'allOf',
  'oneOf',
  'not',
  'example',
  'externalDocs',
  'uniqueItems',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]);
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const FORBIDDEN_IN_JUNCTORS = ['description', 'type', 'default', 'additionalProperties', 'nullable'];

/**
 * Violations of the Kubernetes structural-schema rules (apiextensions "Specifying a structural
 * schema") and of the keywords a v1 CRD accepts. An empty list means the API server will accept
 * the schema as structural.
 */
export function structuralViolations(schema: JSONSchema): string[] {
  const violations: string[] = [];
  checkNode(schema, 'openAPIV3Schema', violations, { root: true, inJunctor: false });
  return violations;
}

function checkNode(node: JSONSchema, path: string, out: string[], ctx: { root: boolean; inJunctor: boolean }): void {
  for (const key of Object.keys(node)) {
    if (!ALLOWED_KEYWORDS.has(key)) out.push(`${path}: keyword "${key}" is not supported in a CRD schema`);
  }
  if (node.uniqueItems === true) out.push(`${path}: uniqueItems cannot be set to true`);
  if (typeof node.exclusiveMinimum === 'number' || typeof node.exclusiveMaximum === 'number') {
    out.push(`${path}: exclusiveMinimum/exclusiveMaximum must be booleans in OpenAPI v3.0`);
  }
  if (ctx.inJunctor) {
    for (const key of FORBIDDEN_IN_JUNCTORS) {
      if (key in node) out.push(`${path}: "${key}" must not be set inside allOf, anyOf, oneOf or not`);
    }
  }

  const intOrString = node[INT_OR_STRING] === true;
  const preserve = node[PRESERVE_UNKNOWN] === true;
  if (!ctx.inJunctor) {
    if (intOrString) {
      if ('type' in node) out.push(`${path}: x-kubernetes-int-or-string must not have a type`);
      const anyOf = node.anyOf as JSONSchema[] | undefined;
      if (anyOf !== undefined && !isIntOrStringAnyOf(anyOf)) {
        out.push(`${path}: x-kubernetes-int-or-string allows only anyOf [{type: integer}, {type: string}]`);
      }
    } else if (typeof node.type !== 'string' || node.type === '') {
      if (!preserve) out.push(`${path}: must specify a type`);
    } else if (!TYPES.has(node.type)) {
      out.push(`${path}: type "${node.type}" is not one of ${[...TYPES].join(', ')}`);
    }
  }
  if (preserve && node.type !== undefined && node.type !== 'object' && !intOrString) {
    out.push(`${path}: x-kubernetes-preserve-unknown-fields needs type object`);
  }
  if (node.additionalProperties !== undefined) {
    if (node.additionalProperties === false) out.push(`${path}: additionalProperties: false is not allowed`);
    if (node.properties !== undefined) out.push(`${path}: additionalProperties and properties are mutually exclusive`);
    if (preserve) out.push(`${path}: additionalProperties and x-kubernetes-preserve-unknown-fields are mutually exclusive`);
  }
  if (node.type === 'array' && node.items === undefined) out.push(`${path}: an array must specify items`);
  if (Array.isArray(node.items)) out.push(`${path}: items must be a single schema`);
  if (node.required !== undefined) {
    const properties = (node.properties ?? {}) as JSONSchema;
    for (const name of node.required as string[]) {
      if (!(name in properties) && !preserve) out.push(`${path}: required field "${name}" is not among the properties`);
    }
  }

  const properties = (node.properties ?? {}) as Record<string, JSONSchema>;
  for (const [name, child] of Object.entries(properties)) {
    const childPath = `${path}.properties.${name}`;
    if (ctx.root && name === 'metadata') checkRootMetadata(child, childPath, out);
    checkNode(child, childPath, out, { root: false, inJunctor: ctx.inJunctor });
  }
  if (node.items && !Array.isArray(node.items)) checkNode(node.items as JSONSchema, `${path}.items`, out, { root: false, inJunctor: ctx.inJunctor });
  if (typeof node.additionalProperties === 'object' && node.additionalProperties !== null) {
    checkNode(node.additionalProperties as JSONSchema, `${path}.additionalProperties`, out, { root: false, inJunctor: ctx.inJunctor });
  }
  for (const junctor of ['anyOf', 'allOf', 'oneOf'] as const) {
    const branches = node[junctor] as JSONSchema[] | undefined;
    if (branches === undefined) continue;
    if (intOrString && junctor === 'anyOf' && isIntOrStringAnyOf(branches)) continue;
    branches.forEach((branch, i) => {
      checkJunctorCoverage(node, branch, `${path}.${junctor}[${i}]`, out);
      checkNode(branch, `${path}.${junctor}[${i}]`, out, { root: false, inJunctor: true });
    });
  }
  if (node.not !== undefined) checkNode(node.not as JSONSchema, `${path}.not`, out, { root: false, inJunctor: true });
}

function isIntOrStringAnyOf(anyOf: JSONSchema[]): boolean {
  const types = anyOf.map((branch) => branch.type).sort();
  return anyOf.length === 2 && types[0] === 'integer' && types[1] === 'string' && anyOf.every((b) => Object.keys(b).length === 1);
}

/** Fields and items named inside a junctor must also be specified outside it. */
function checkJunctorCoverage(outer: JSONSchema, branch: JSONSchema, path: string, out: string[]): void {
  const outerProps = (outer.properties ?? {}) as JSONSchema;
  for (const name of Object.keys((branch.properties ?? {}) as JSONSchema)) {
    if (!(name in outerProps)) out.push(`${path}: property "${name}" must also be specified outside the junctor`);
  }
  if (branch.items !== undefined && outer.items === undefined) out.push(`${path}: items must also be specified outside the junctor`);
}

/** At the root, metadata may only restrict name and generateName. */
function checkRootMetadata(metadata: JSONSchema, path: string, out: string[]): void {
  if (metadata.type !== 'object') out.push(`${path}: metadata must be of type object`);
  for (const key of Object.keys(metadata)) {
    if (key !== 'type' && key !== 'properties' && key !== 'description') out.push(`${path}: only restrictions on metadata.name and metadata.generateName are allowed`);
  }
  for (const name of Object.keys((metadata.properties ?? {}) as JSONSchema)) {
    if (name !== 'name' && name !== 'generateName') out.push(`${path}: only metadata.name and metadata.generateName may be specified`);
  }
}
