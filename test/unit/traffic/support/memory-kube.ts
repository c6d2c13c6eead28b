import { applyMergePatch, cloneJson, type JsonObject } from '../../../../controller/kube/merge-patch.ts';
import type { StoredObject, TrafficKube } from '../../../../controller/traffic/router.ts';

/** An API error as the client reports it: a status code and a message. */
export class KubeStatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RecordedWrite {
  verb: 'create' | 'patch' | 'delete';
  kind: string;
  namespace: string;
  name: string;
  patch?: JsonObject;
}

const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '');

/**
 * The TrafficKube port held in memory: objects keyed by API group, kind, namespace and name (any
 * version of a group reads the same object, as on a real API server), resourceVersion bumped on
 * every write and checked when a patch carries one.
 */
export class MemoryKube implements TrafficKube {
  readonly writes: RecordedWrite[] = [];
  private readonly objects = new Map<string, StoredObject>();
  private version = 100;

  constructor(objects: StoredObject[] = []) {
    for (const obj of objects) this.put(obj);
  }

  private key(apiVersion: string, kind: string, namespace: string, name: string): string {
    return `${group(apiVersion)}|${kind}|${namespace}|${name}`;
  }

  /** Stores an object as the cluster holds it, outside the recorded writes. */
  put(obj: StoredObject): void {
    const copy = cloneJson(obj);
    copy.metadata.resourceVersion = String(++this.version);
    this.objects.set(this.key(copy.apiVersion, copy.kind, copy.metadata.namespace ?? '', copy.metadata.name), copy);
  }

  /** The stored object, for assertions. */
  read(apiVersion: string, kind: string, namespace: string, name: string): StoredObject | undefined {
    const obj = this.objects.get(this.key(apiVersion, kind, namespace, name));
    return obj && cloneJson(obj);
  }

  writesOf(verb: RecordedWrite['verb']): RecordedWrite[] {
    return this.writes.filter((w) => w.verb === verb);
  }

  async get(apiVersion: string, kind: string, namespace: string, name: string): Promise<StoredObject | null> {
    return this.read(apiVersion, kind, namespace, name) ?? null;
  }

  async create(obj: StoredObject): Promise<StoredObject> {
    const namespace = obj.metadata.namespace ?? '';
    const key = this.key(obj.apiVersion, obj.kind, namespace, obj.metadata.name);
    if (this.objects.has(key)) throw new KubeStatusError(409, `${obj.kind} "${obj.metadata.name}" already exists`);
    this.put(obj);
    this.writes.push({ verb: 'create', kind: obj.kind, namespace, name: obj.metadata.name });
    return this.read(obj.apiVersion, obj.kind, namespace, obj.metadata.name) as StoredObject;
  }

  async patch(apiVersion: string, kind: string, namespace: string, name: string, mergePatch: JsonObject): Promise<StoredObject> {
    const key = this.key(apiVersion, kind, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw new KubeStatusError(404, `${kind} "${name}" not found`);
    const metadata = mergePatch.metadata as JsonObject | undefined;
    const expected = metadata?.resourceVersion;
    if (expected !== undefined && expected !== current.metadata.resourceVersion) {
      throw new KubeStatusError(409, `Operation cannot be fulfilled on ${kind} "${name}": the object has been modified`);
    }
    const next = applyMergePatch(current, mergePatch) as unknown as StoredObject;
    this.put(next);
    this.writes.push({ verb: 'patch', kind, namespace, name, patch: cloneJson(mergePatch) });
    return this.read(apiVersion, kind, namespace, name) as StoredObject;
  }

  async delete(apiVersion: string, kind: string, namespace: string, name: string): Promise<void> {
    if (!this.objects.delete(this.key(apiVersion, kind, namespace, name))) {
      throw new KubeStatusError(404, `${kind} "${name}" not found`);
    }
    this.writes.push({ verb: 'delete', kind, namespace, name });
  }
}
