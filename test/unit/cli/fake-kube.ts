import { KubeApiError, type KubeClient, type KubeObject, type PatchOptions, type Resource } from '../../../controller/cli/kube/port.ts';

export interface Call {
  verb: 'get' | 'list' | 'patch' | 'replace' | 'create';
  plural: string;
  namespace?: string;
  name?: string;
  body?: unknown;
  opts?: PatchOptions;
  labelSelector?: string;
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

function notFound(resource: Resource, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${resource.plural}.${resource.group} "${name}" not found`, { name, group: resource.group, kind: resource.plural });
}

/**
 * An in-memory API server for the CLI's port: objects by plural, namespace and name; merge and
 * JSON (replace) patches; the status subresource; every call recorded. `failNext` makes the next
 * matching call fail with the given error.
 */
export class FakeKube implements KubeClient {
  readonly server = 'https://127.0.0.1:6443';
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
    const kind = (obj as { kind?: string }).kind ?? '';
    this.objects.set(this.key(FakeKube.plural(kind), obj.metadata?.namespace, obj.metadata?.name ?? ''), structuredClone(obj));
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

  async get(resource: Resource, namespace: string | undefined, name: string): Promise<KubeObject> {
    this.calls.push({ verb: 'get', plural: resource.plural, namespace, name });
    this.maybeFail('get');
    const obj = this.objects.get(this.key(resource.plural, namespace, name));
    if (obj === undefined) throw notFound(resource, name);
    return structuredClone(obj);
  }

  async list(resource: Resource, namespace: string | undefined, labelSelector?: string): Promise<KubeObject[]> {
    this.calls.push({ verb: 'list', plural: resource.plural, namespace, labelSelector });
    this.maybeFail('list');
    const wanted = (labelSelector ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]);
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(`${resource.plural}/${namespace ?? ''}`))
      .map(([, obj]) => obj)
      .filter((obj) => wanted.every(([k, v]) => (obj.metadata as { labels?: Record<string, string> }).labels?.[k] === v))
      .map((obj) => structuredClone(obj));
  }

  async patch(resource: Resource, namespace: string | undefined, name: string, body: unknown, opts: PatchOptions): Promise<KubeObject> {
    this.calls.push({ verb: 'patch', plural: resource.plural, namespace, name, body: structuredClone(body), opts });
    this.maybeFail('patch');
    const key = this.key(resource.plural, namespace, name);
    const current = this.objects.get(key);
    if (current === undefined) throw notFound(resource, name);
    if (opts.subresource === 'status' && !this.statusSubresource) {
      throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
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
    return structuredClone(next);
  }

  async replace(resource: Resource, namespace: string | undefined, name: string, body: KubeObject): Promise<KubeObject> {
    this.calls.push({ verb: 'replace', plural: resource.plural, namespace, name, body: structuredClone(body) });
    this.maybeFail('replace');
    const key = this.key(resource.plural, namespace, name);
    const current = this.objects.get(key);
    if (current === undefined) throw notFound(resource, name);
    if (body.metadata?.resourceVersion !== current.metadata?.resourceVersion) {
      throw new KubeApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resource.plural}.${resource.group} "${name}": the object has been modified`);
    }
    const next = this.bump(structuredClone(body));
    this.objects.set(key, next);
    return structuredClone(next);
  }

  async create(resource: Resource, namespace: string | undefined, body: KubeObject): Promise<KubeObject> {
    this.calls.push({ verb: 'create', plural: resource.plural, namespace, body: structuredClone(body) });
    this.maybeFail('create');
    const name = body.metadata?.name ?? '';
    const key = this.key(resource.plural, namespace, name);
    if (this.objects.has(key)) {
      throw new KubeApiError(409, 'AlreadyExists', `${resource.plural}.${resource.group} "${name}" already exists`, { name, kind: resource.plural });
    }
    const obj = this.bump({ ...structuredClone(body), metadata: { ...body.metadata, namespace } });
    this.objects.set(key, obj);
    return structuredClone(obj);
  }

  patches(): Call[] {
    return this.calls.filter((c) => c.verb === 'patch');
  }
}
