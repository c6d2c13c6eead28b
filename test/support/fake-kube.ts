import type { KubeVerbs, ListOptions, WriteOptions } from '../../controller/kube/client.ts';
import { KubeApiError, KubeRequestError, type StatusBody } from '../../controller/kube/errors.ts';
import type { KubeObject, ResourceType } from '../../controller/kube/resources.ts';

export interface Call {
  verb: 'get' | 'list' | 'patch' | 'replace' | 'create';
  plural: string;
  namespace?: string;
  name?: string;
  body?: unknown;
  /** For patches: merge or JSON patch, and whether it went to the status subresource. */
  opts?: { type: 'merge' | 'json'; subresource?: 'status' };
  labelSelector?: string;
}

const SERVER = 'https://127.0.0.1:6443';

/** An error status as the apiserver sends it: `apiError(404, 'NotFound', 'rollouts.argoproj.io "x" not found', { name: 'x' })`. */
export function apiError(statusCode: number, reason: string, message: string, details?: StatusBody['details']): KubeApiError {
  const status: StatusBody = { kind: 'Status', status: 'Failure', code: statusCode, reason, message, ...(details !== undefined ? { details } : {}) };
  return new KubeApiError({ verb: 'call', group: '', resource: details?.kind ?? 'resource', ...(details?.name !== undefined ? { name: details.name } : {}) }, statusCode, status);
}

/** No answer from the apiserver: `unreachable('ECONNREFUSED')` is a refused connection. */
export function unreachable(code: string, server = SERVER): KubeRequestError {
  const cause = Object.assign(new Error(`request to ${server}/ failed, reason: connect ${code}`), { code });
  return new KubeRequestError({ verb: 'list', group: '', resource: 'resource' }, { cause, server });
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function notFound(type: ResourceType, name: string): KubeApiError {
  return apiError(404, 'NotFound', `${type.plural}.${type.group} "${name}" not found`, { name, group: type.group, kind: type.plural });
}

/**
 * An in-memory apiserver behind the verbs of the one Kubernetes client (`KubeVerbs`): objects by
 * plural, namespace and name; merge and JSON (replace) patches; the status subresource; every call
 * recorded. `failNext` makes the next matching call fail with the given error. The CLI's and the
 * dashboard's tests share it.
 */
export class FakeKube implements KubeVerbs {
  readonly server = SERVER;
  readonly calls: Call[] = [];
  readonly objects = new Map<string, KubeObject>();
  statusSubresource = true;
  private failures: { verb: Call['verb']; error: unknown }[] = [];
  private version = 100;

  constructor(objects: KubeObject[] = []) {
    for (const obj of objects) this.put(obj);
  }

  private static plural(kind: string): string {
    return `${kind.toLowerCase()}s`;
  }

  private key(plural: string, namespace: string | undefined, name: string): string {
    return `${plural}/${namespace ?? ''}/${name}`;
  }

  put(obj: KubeObject): void {
    this.objects.set(this.key(FakeKube.plural(obj.kind ?? ''), obj.metadata?.namespace, obj.metadata?.name ?? ''), structuredClone(obj));
  }

  object(plural: string, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(this.key(plural, namespace, name));
  }

  failNext(verb: Call['verb'], error: unknown): void {
    this.failures.push({ verb, error });
  }

  private maybeFail(verb: Call['verb']): void {
    const i = this.failures.findIndex((f) => f.verb === verb);
    if (i >= 0) {
      const [failure] = this.failures.splice(i, 1);
      throw failure!.error;
    }
  }

  private bump(obj: KubeObject): KubeObject {
    obj.metadata = { ...obj.metadata, resourceVersion: String(++this.version) };
    return obj;
  }

  async get<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    this.calls.push({ verb: 'get', plural: type.plural, namespace, name });
    this.maybeFail('get');
    const obj = this.objects.get(this.key(type.plural, namespace, name));
    if (obj === undefined) throw notFound(type, name);
    return structuredClone(obj) as T;
  }

  async listAll<T extends KubeObject>(type: ResourceType, opts: ListOptions = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const { namespace, labelSelector } = opts;
    this.calls.push({ verb: 'list', plural: type.plural, namespace, labelSelector });
    this.maybeFail('list');
    const wanted = (labelSelector ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]);
    const items = [...this.objects.entries()]
      .filter(([key]) => key.startsWith(`${type.plural}/${namespace ?? ''}`))
      .map(([, obj]) => obj)
      .filter((obj) => wanted.every(([k, v]) => obj.metadata?.labels?.[k] === v))
      .map((obj) => structuredClone(obj) as T);
    return { items, resourceVersion: String(this.version) };
  }

  mergePatch<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, _opts?: WriteOptions): Promise<T> {
    return this.patch<T>(type, namespace, name, patch, { type: 'merge' });
  }

  mergePatchStatus<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, _opts?: WriteOptions): Promise<T> {
    return this.patch<T>(type, namespace, name, patch, { type: 'merge', subresource: 'status' });
  }

  jsonPatch<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, operations: readonly unknown[], _opts?: WriteOptions): Promise<T> {
    return this.patch<T>(type, namespace, name, operations, { type: 'json' });
  }

  private async patch<T>(type: ResourceType, namespace: string | undefined, name: string, body: unknown, opts: NonNullable<Call['opts']>): Promise<T> {
    this.calls.push({ verb: 'patch', plural: type.plural, namespace, name, body: structuredClone(body), opts });
    this.maybeFail('patch');
    const key = this.key(type.plural, namespace, name);
    const current = this.objects.get(key);
    if (current === undefined) throw notFound(type, name);
    if (opts.subresource === 'status' && !this.statusSubresource) {
      throw apiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    let next: KubeObject;
    if (opts.type === 'json') {
      next = structuredClone(current);
      for (const op of body as { op: string; path: string; value: unknown }[]) {
        const parts = op.path.split('/').slice(1);
        let cursor = next as Record<string, unknown>;
        for (const part of parts.slice(0, -1)) cursor = cursor[part] as Record<string, unknown>;
        cursor[parts.at(-1)!] = structuredClone(op.value);
      }
    } else if (opts.subresource === 'status') {
      const statusOnly = { status: (body as { status?: unknown }).status };
      next = mergePatch(current, statusOnly) as KubeObject;
    } else {
      // The main resource ignores status changes once the status subresource exists.
      const { status: _ignored, ...rest } = body as Record<string, unknown>;
      next = mergePatch(current, this.statusSubresource ? rest : body) as KubeObject;
    }
    this.objects.set(key, this.bump(next));
    return structuredClone(next) as T;
  }

  async replace<T extends KubeObject>(type: ResourceType, body: T): Promise<T> {
    const namespace = body.metadata?.namespace;
    const name = body.metadata?.name ?? '';
    this.calls.push({ verb: 'replace', plural: type.plural, namespace, name, body: structuredClone(body) });
    this.maybeFail('replace');
    const key = this.key(type.plural, namespace, name);
    const current = this.objects.get(key);
    if (current === undefined) throw notFound(type, name);
    if (body.metadata?.resourceVersion !== current.metadata?.resourceVersion) {
      throw apiError(409, 'Conflict', `Operation cannot be fulfilled on ${type.plural}.${type.group} "${name}": the object has been modified`);
    }
    const next = this.bump(structuredClone(body));
    this.objects.set(key, next);
    return structuredClone(next) as T;
  }

  async create<T extends KubeObject>(type: ResourceType, body: T): Promise<T> {
    const namespace = type.namespaced ? body.metadata?.namespace : undefined;
    this.calls.push({ verb: 'create', plural: type.plural, namespace, body: structuredClone(body) });
    this.maybeFail('create');
    const name = body.metadata?.name ?? '';
    const key = this.key(type.plural, namespace, name);
    if (this.objects.has(key)) {
      throw apiError(409, 'AlreadyExists', `${type.plural}.${type.group} "${name}" already exists`, { name, kind: type.plural });
    }
    const obj = this.bump({ ...structuredClone(body), metadata: { ...body.metadata, namespace } });
    this.objects.set(key, obj);
    return structuredClone(obj) as T;
  }

  patches(): Call[] {
    return this.calls.filter((c) => c.verb === 'patch');
  }
}
