import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';

/**
 * Identity of a pod template: the `rollouts-pod-template-hash` a ReplicaSet is named and
 * selected by, and the semantic comparison that recognises a ReplicaSet whose hash was computed
 * by another implementation (Argo Rollouts hashes Go's JSON encoding, which cannot be reproduced
 * here), so that such ReplicaSets are adopted rather than duplicated.
 */


const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, continuing from `state` so several writes hash like one. */
export function fnv1a32(bytes: Uint8Array, state: number = FNV_OFFSET_BASIS): number {
  let hash = state >>> 0;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash;
}

/** k8s.io/apimachinery/pkg/util/rand: the alphabet without vowels, so hashes never spell words. */
const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: maps every character onto the vowel-free alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHANUMS[(ch.codePointAt(0) ?? 0) % SAFE_ALPHANUMS.length];
  return out;
}

/**
 * JSON with object keys sorted and absent values (undefined, null, `{}`, `[]`) left out, so the
 * same template hashes the same whatever the key order, the client that produced it, or whether
 * an empty field was written out. Dates are written as the API server writes times.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value) ?? null);
}

function canonicalize(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    return value.map((item) => canonicalize(item) ?? null);
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = canonicalize((value as Record<string, unknown>)[key]);
      if (child !== undefined) out[key] = child;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/**
 * The pod template hash: FNV-1a of the canonical JSON of the template without its own hash label,
 * then the collision count as Argo writes it (a little-endian uint32 in an 8-byte buffer), encoded
 * like Kubernetes' `rand.SafeEncodeString(fmt.Sprint(sum32))`, e.g. `6f8c9b7d5`.
 */
export function podTemplateHash(template: V1PodTemplateSpec | undefined, collisionCount?: number | null): string {
  let state = fnv1a32(new TextEncoder().encode(canonicalJson(withoutHashLabel(template ?? {}))));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    state = fnv1a32(bytes, state);
  }
  return safeEncodeString(String(state));
}

function withoutHashLabel(template: V1PodTemplateSpec): V1PodTemplateSpec {
  const labels = template.metadata?.labels;
  if (!labels || !(POD_TEMPLATE_HASH_LABEL in labels)) return template;
  const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...rest } = labels;
  return { ...template, metadata: { ...template.metadata, labels: rest } };
}

/**
 * Argo's PodTemplateEqualIgnoreHash: equal once the hash label is ignored, the defaults the API
 * server fills into a ReplicaSet's template are applied to both sides, quantities are compared by
 * value ("0.5" = "500m") and empty fields are treated as missing. The deprecated
 * `spec.serviceAccount` never counts: the API server fills it in from `serviceAccountName`.
 */
export function templatesEqualIgnoringHash(a: V1PodTemplateSpec | undefined, b: V1PodTemplateSpec | undefined): boolean {
  return canonicalJson(normalizeTemplate(a)) === canonicalJson(normalizeTemplate(b));
}

/** The comparable form of a template (exported so a mismatch can be shown to a user). */
export function normalizeTemplate(template: V1PodTemplateSpec | undefined): unknown {
  const copy = structuredClone(withoutHashLabel(template ?? {})) as Obj;
  const metadata = obj(copy, 'metadata');
  delete metadata.creationTimestamp;
  const spec = obj(copy, 'spec');
  delete spec.serviceAccount;
  applyPodSpecDefaults(spec);
  return prune(copy);
}

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The child object at `key`, created when missing. */
function obj(parent: Obj, key: string): Obj {
  const child = parent[key];
  if (isObj(child)) return child;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

function objects(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObj) : [];
}

/** Go's zero value for the field: what `if x == ""` / `if x == 0` defaulting treats as unset. */
function unset(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === 0;
}

function setDefault(target: Obj, key: string, value: unknown, isUnset: (v: unknown) => boolean = unset): void {
  if (isUnset(target[key])) target[key] = value;
}

const isNil = (v: unknown): boolean => v === undefined || v === null;

/** Volume sources a volume may name; a volume with none of them is an emptyDir. */
const VOLUME_SOURCE_KEYS_EXCLUDED = new Set(['name']);
const DEFAULT_FILE_MODE = 0o644;

/** k8s.io/kubernetes/pkg/apis/core/v1 SetObjectDefaults_PodTemplate, as applied to a ReplicaSet's template. */
function applyPodSpecDefaults(spec: Obj): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {}, isNil);
  setDefault(spec, 'terminationGracePeriodSeconds', 30, isNil);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  normalizeResourceList(spec, 'overhead');
  if (isObj(spec.resources)) {
    normalizeResourceList(spec.resources, 'limits');
    normalizeResourceList(spec.resources, 'requests');
  }
  for (const volume of objects(spec.volumes)) applyVolumeDefaults(volume);
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const container of objects(spec[key])) applyContainerDefaults(container);
  }
}

function applyVolumeDefaults(volume: Obj): void {
  const hasSource = Object.entries(volume).some(([key, value]) => !VOLUME_SOURCE_KEYS_EXCLUDED.has(key) && !isNil(value));
  if (!hasSource) volume.emptyDir = {};
  if (isObj(volume.emptyDir) && typeof volume.emptyDir.sizeLimit === 'string') {
    volume.emptyDir.sizeLimit = normalizeQuantity(volume.emptyDir.sizeLimit);
  }
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    if (isObj(volume[key])) setDefault(volume[key] as Obj, 'defaultMode', DEFAULT_FILE_MODE, isNil);
  }
  if (isObj(volume.downwardAPI)) applyDownwardApiDefaults(volume.downwardAPI);
  if (isObj(volume.projected)) {
    for (const source of objects(volume.projected.sources)) {
      if (isObj(source.downwardAPI)) applyDownwardApiDefaults(source.downwardAPI);
      if (isObj(source.serviceAccountToken)) setDefault(source.serviceAccountToken, 'expirationSeconds', 3600, isNil);
    }
  }
  if (isObj(volume.iscsi)) setDefault(volume.iscsi, 'iscsiInterface', 'default');
  if (isObj(volume.rbd)) {
    setDefault(volume.rbd, 'pool', 'rbd');
    setDefault(volume.rbd, 'user', 'admin');
    setDefault(volume.rbd, 'keyring', '/etc/ceph/keyring');
  }
  if (isObj(volume.azureDisk)) {
    setDefault(volume.azureDisk, 'cachingMode', 'ReadWrite', isNil);
    setDefault(volume.azureDisk, 'kind', 'Shared', isNil);
    setDefault(volume.azureDisk, 'fsType', 'ext4', isNil);
    setDefault(volume.azureDisk, 'readOnly', false, isNil);
  }
  if (isObj(volume.scaleIO)) {
    setDefault(volume.scaleIO, 'storageMode', 'ThinProvisioned');
    setDefault(volume.scaleIO, 'fsType', 'xfs');
  }
  const claimSpec = isObj(volume.ephemeral) && isObj(volume.ephemeral.volumeClaimTemplate) ? volume.ephemeral.volumeClaimTemplate.spec : undefined;
  if (isObj(claimSpec)) setDefault(claimSpec, 'volumeMode', 'Filesystem', isNil);
}

function applyDownwardApiDefaults(source: Obj): void {
  for (const item of objects(source.items)) {
    if (isObj(item.fieldRef)) setDefault(item.fieldRef, 'apiVersion', 'v1');
  }
}

function applyContainerDefaults(container: Obj): void {
  setDefault(container, 'imagePullPolicy', defaultPullPolicy(typeof container.image === 'string' ? container.image : ''));
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  for (const port of objects(container.ports)) setDefault(port, 'protocol', 'TCP');
  for (const env of objects(container.env)) {
    if (isObj(env.valueFrom) && isObj(env.valueFrom.fieldRef)) setDefault(env.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
  if (isObj(container.resources)) {
    normalizeResourceList(container.resources, 'limits');
    normalizeResourceList(container.resources, 'requests');
  }
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = container[key];
    if (!isObj(probe)) continue;
    setDefault(probe, 'timeoutSeconds', 1);
    setDefault(probe, 'periodSeconds', 10);
    setDefault(probe, 'successThreshold', 1);
    setDefault(probe, 'failureThreshold', 3);
    if (isObj(probe.httpGet)) applyHttpGetDefaults(probe.httpGet);
  }
  if (isObj(container.lifecycle)) {
    for (const key of ['postStart', 'preStop']) {
      const handler = container.lifecycle[key];
      if (isObj(handler) && isObj(handler.httpGet)) applyHttpGetDefaults(handler.httpGet);
    }
  }
}

function applyHttpGetDefaults(action: Obj): void {
  setDefault(action, 'path', '/');
  setDefault(action, 'scheme', 'HTTP');
}

/** An image without a tag or digest, or tagged `latest`, is pulled Always; any other IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const at = image.indexOf('@');
  const hasDigest = at >= 0;
  const name = hasDigest ? image.slice(0, at) : image;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  const tag = colon >= 0 ? lastPart.slice(colon + 1) : '';
  if (tag === 'latest' || (tag === '' && !hasDigest)) return 'Always';
  return 'IfNotPresent';
}

function normalizeResourceList(parent: Obj, key: string): void {
  const list = parent[key];
  if (!isObj(list)) return;
  for (const [name, quantity] of Object.entries(list)) {
    if (typeof quantity === 'string' || typeof quantity === 'number') list[name] = normalizeQuantity(String(quantity));
  }
}

const DECIMAL_SUFFIX_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX_POWERS: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/**
 * A resource.Quantity as its value in thousandths, rounded up as the API server's defaulting
 * does (RoundUp to milli scale), so "1", "1000m" and "0.001k" compare equal. A string that is not
 * a quantity is returned unchanged and compares by its text.
 */
export function normalizeQuantity(quantity: string): string {
  const match = QUANTITY.exec(quantity.trim());
  if (!match) return quantity;
  const [, sign = '', whole = '', fraction = '', suffix = ''] = match;
  if (whole === '' && fraction === '') return quantity;
  let numerator = BigInt(`${whole}${fraction}` || '0');
  let denominator = 10n ** BigInt(fraction.length);
  let exponent = 3; // thousandths
  if (suffix in BINARY_SUFFIX_POWERS) numerator *= 2n ** BigInt(BINARY_SUFFIX_POWERS[suffix] ?? 0);
  else if (/^[eE][+-]?\d+$/.test(suffix)) exponent += Number(suffix.slice(1));
  else exponent += DECIMAL_SUFFIX_EXPONENTS[suffix] ?? 0;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  const milli = (numerator + denominator - 1n) / denominator;
  return `${sign === '-' && milli !== 0n ? '-' : ''}${milli}m`;
}

/**
 * Fields whose zero value differs from leaving them out: Go pointers the API server keeps even
 * when 0 or false. Every other 0, false or "" is a Go zero value the API server drops.
 */
const MEANINGFUL_ZERO = new Set([
  'runAsUser',
  'runAsGroup',
  'fsGroup',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'priority',
  'defaultMode',
  'mode',
  'expirationSeconds',
  'seconds',
]);
const MEANINGFUL_FALSE = new Set(['automountServiceAccountToken', 'hostUsers', 'allowPrivilegeEscalation', 'enableServiceLinks']);
/** Go maps rather than structs: an entry with an empty value is still an entry. */
const STRING_MAPS = new Set(['labels', 'annotations', 'nodeSelector', 'matchLabels']);

function prune(value: unknown, key = ''): unknown {
  if (STRING_MAPS.has(key) && isObj(value)) {
    const entries = Object.entries(value).filter(([, v]) => typeof v === 'string');
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  if (value === null || value === undefined || value === '') return undefined;
  if (value === false && !MEANINGFUL_FALSE.has(key)) return undefined;
  if (value === 0 && !MEANINGFUL_ZERO.has(key)) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    return value.map((item) => prune(item) ?? null);
  }
  if (typeof value === 'object') {
    const out: Obj = {};
    for (const [childKey, child] of Object.entries(value)) {
      const pruned = prune(child, childKey);
      if (pruned !== undefined) out[childKey] = pruned;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}
