import type { KubeObject, OwnerReference } from './resources.ts';

/**
 * The informer cache: objects by `namespace/name` key plus an owner-UID index, so a Rollout's
 * ReplicaSets (or an AnalysisRun's Jobs) are found without scanning.
 */

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: KubeObject): string {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  if (slash < 0) return { name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * Drops what the controller never reads and what dominates object size: managedFields and the
 * client-side-apply annotation (a full copy of the manifest).
 */
export function stripForCache<T extends KubeObject>(obj: T): T {
  const meta = obj.metadata;
  if (!meta) return obj;
  const hasManaged = meta.managedFields !== undefined;
  const hasLastApplied = meta.annotations !== undefined && LAST_APPLIED in meta.annotations;
  if (!hasManaged && !hasLastApplied) return obj;
  const { managedFields: _managed, ...rest } = meta;
  const metadata: NonNullable<KubeObject['metadata']> = rest;
  if (hasLastApplied && meta.annotations) {
    const { [LAST_APPLIED]: _lastApplied, ...annotations } = meta.annotations;
    metadata.annotations = annotations;
  }
  return { ...obj, metadata };
}

function isOwnerReference(value: unknown): value is OwnerReference {
  return typeof value === 'object' && value !== null && typeof (value as OwnerReference).uid === 'string';
}

export function ownerReferences(obj: KubeObject): OwnerReference[] {
  return (obj.metadata?.ownerReferences ?? []).filter(isOwnerReference);
}

/** The owner with controller: true, as metav1.GetControllerOf. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return ownerReferences(obj).find((ref) => ref.controller === true);
}

export interface ReplaceResult<T> {
  added: T[];
  updated: Array<[previous: T, current: T]>;
  deleted: T[];
}

export class ObjectStore<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly byOwnerUid = new Map<string, Set<string>>();

  get size(): number {
    return this.objects.size;
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  /** Objects listing `uid` among their ownerReferences. */
  byOwner(uid: string): T[] {
    const keys = this.byOwnerUid.get(uid);
    if (!keys) return [];
    const result: T[] = [];
    for (const key of keys) {
      const obj = this.objects.get(key);
      if (obj) result.push(obj);
    }
    return result;
  }

  /** Stores the stripped object; returns it and what it replaced. */
  upsert(obj: T): { previous?: T; current: T } {
    const current = stripForCache(obj);
    const key = objectKey(current);
    const previous = this.objects.get(key);
    if (previous) this.unindex(key, previous);
    this.objects.set(key, current);
    this.index(key, current);
    return { previous, current };
  }

  remove(key: string): T | undefined {
    const previous = this.objects.get(key);
    if (!previous) return undefined;
    this.unindex(key, previous);
    this.objects.delete(key);
    return previous;
  }

  /** Makes the store hold exactly `objs` (after a list) and reports the differences. */
  replace(objs: readonly T[]): ReplaceResult<T> {
    const result: ReplaceResult<T> = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const obj of objs) {
      const { previous, current } = this.upsert(obj);
      const key = objectKey(current);
      seen.add(key);
      if (!previous) result.added.push(current);
      else if (previous.metadata?.resourceVersion !== current.metadata?.resourceVersion) result.updated.push([previous, current]);
    }
    for (const key of this.keys()) {
      if (seen.has(key)) continue;
      const removed = this.remove(key);
      if (removed) result.deleted.push(removed);
    }
    return result;
  }

  private index(key: string, obj: T): void {
    for (const ref of ownerReferences(obj)) {
      const uid = ref.uid as string;
      let keys = this.byOwnerUid.get(uid);
      if (!keys) {
        keys = new Set();
        this.byOwnerUid.set(uid, keys);
      }
      keys.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const ref of ownerReferences(obj)) {
      const uid = ref.uid as string;
      const keys = this.byOwnerUid.get(uid);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byOwnerUid.delete(uid);
    }
  }
}
