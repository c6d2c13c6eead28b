import {
  createConfiguration,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  PatchStrategy,
  RequestContext,
  ServerConfiguration,
  setHeaderOptions,
  Watch,
  type Configuration,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type HttpLibrary,
  type ResponseContext,
} from '@kubernetes/client-node';
import { AsyncLocalStorage } from 'node:async_hooks';
import { AGGREGATED_DISCOVERY_ACCEPT, servedByGroupVersion } from './discovery.ts';
import { AgentPool } from './agents.ts';
import { systemClock, type Clock } from './clock.ts';
import type { RequestLane } from './token-bucket.ts';
import { clientSetBuckets } from './client-sets.ts';
import { rateLimitedHttpLibrary, requestPolicyHttpLibrary, type RateLimitPolicy, type RequestPolicy } from './request-policy.ts';
import { countingHttpLibrary, type RequestObserver } from './counting-http.ts';
import { KubeApiError, KubeConfigError, parseStatus, wrapKubeError, isGone, type KubeTarget } from './errors.ts';
import { PODS, apiVersionOf, collectionPath, objectPath, type KubeObject, type ResourceType } from './resources.ts';

export interface KubeList<T> {
  items: T[];
  metadata: { resourceVersion?: string; continue?: string };
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  signal?: AbortSignal;
}

export interface WriteOptions {
  fieldManager?: string;
  signal?: AbortSignal;
}

export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; resourceVersion: string };

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion: string;
  timeoutSeconds: number;
  signal: AbortSignal;
}

type Query = Record<string, string | number | boolean | undefined>;

interface RawRequest {
  method: HttpMethod;
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  target: KubeTarget;
}

const LIST_PAGE_SIZE = 500;

function targetOf(type: ResourceType, verb: string, namespace?: string, name?: string): KubeTarget {
  return { verb, group: type.group, resource: type.plural, namespace: type.namespaced ? namespace : undefined, name };
}

function metaOf(obj: KubeObject): { name: string; namespace?: string } {
  const name = obj.metadata?.name;
  if (!name) throw new Error('kube: object has no metadata.name');
  return { name, namespace: obj.metadata?.namespace };
}

export interface KubeClientOptions extends RequestPolicy {
  /** Counts every response (controller_clientset_k8s_request_total). */
  observe?: RequestObserver;
  /** The transport; client-node's fetch library by default. */
  http?: HttpLibrary;
  /** The controller's client-side rate limit (--qps, --burst); none when absent (kubectl-ramp, the dashboard). */
  rateLimit?: { qps: number; burst: number; clock?: Clock } & Pick<RateLimitPolicy, 'waited' | 'retryingAfter'>;
}

/**
 * Clients for one cluster. Typed client-node APIs (`api(CoreV1Api)`) and a plain-JSON layer for
 * any resource type share one counted HTTP library and the kubeconfig's credentials.
 */
export class KubeClient {
  readonly server: string;
  /** The kubeconfig context's namespace, or "default". */
  readonly contextNamespace: string;
  private readonly configuration: Configuration;
  private readonly http: HttpLibrary;

  private readonly observe: RequestObserver | undefined;
  private readonly agents: AgentPool;
  private readonly lanes = new AsyncLocalStorage<RequestLane>();

  constructor(
    readonly kubeConfig: KubeConfig,
    options: KubeClientOptions = {},
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeConfigError(kubeConfig.getCurrentContext() || 'kubeconfig', 'has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
    this.contextNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace || 'default';
    this.observe = options.observe;
    this.agents = new AgentPool();
    const counted = countingHttpLibrary(requestPolicyHttpLibrary(options.http ?? new IsomorphicFetchHttpLibrary(), options), options.observe, this.agents);
    const limit = options.rateLimit;
    // Outside the counting layer, so a request retried after a 429 is counted once per answer.
    this.http = limit && limit.qps > 0
      ? rateLimitedHttpLibrary(counted, { ...limit, clock: limit.clock ?? systemClock, bucketFor: clientSetBuckets(limit.qps, limit.burst, limit.clock ?? systemClock), lane: () => this.lanes.getStore() ?? 'background' })
      : counted;
    this.configuration = createConfiguration({
      baseServer: new ServerConfiguration(this.server, {}),
      authMethods: { default: kubeConfig },
      httpApi: this.http,
    });
  }

  /** Runs `work` with every request it sends (across awaits) in `lane` of the rate limiter. */
  inLane<T>(lane: RequestLane, work: () => Promise<T>): Promise<T> {
    return this.lanes.run(lane, work);
  }

  /** Closes pooled keep-alive connections. */
  close(): void {
    this.agents.destroy();
  }

  /** A typed client-node API (CoreV1Api, AppsV1Api, …) whose requests are counted. */
  api<T>(ctor: new (configuration: Configuration) => T): T {
    return new ctor(this.configuration);
  }

  private async request<T>(req: RawRequest): Promise<T> {
    const url = new URL(this.server + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const ctx = new RequestContext(url.toString(), req.method);
    ctx.setHeaderParam('Accept', req.accept ?? 'application/json');
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(req.body));
    }
    if (req.signal) ctx.setSignal(req.signal);
    let response: ResponseContext;
    let text: string;
    try {
      await this.kubeConfig.applySecurityAuthentication(ctx);
      response = await this.http.send(ctx).toPromise();
      text = await response.body.text();
    } catch (err) {
      throw wrapKubeError(err, req.target, this.server);
    }
    if (response.httpStatusCode >= 400) {
      throw new KubeApiError(req.target, response.httpStatusCode, parseStatus(text) ?? { message: text.slice(0, 300).trim() || undefined });
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** GET /version: the cheapest request that proves the apiserver answers and accepts the credentials. */
  serverVersion(opts: { signal?: AbortSignal } = {}): Promise<{ gitVersion?: string; major?: string; minor?: string }> {
    return this.request({ method: HttpMethod.GET, path: '/version', signal: opts.signal, target: { verb: 'get', group: '', resource: 'version' } });
  }

  /**
   * GET /apis/<group>/<version> (discovery): the plurals the apiserver serves in that group
   * version, or undefined when it serves none (404: no CRD defines it). Every authenticated user
   * may read discovery, so this needs no RBAC rule.
   */
  async servedResources(group: string, version: string, opts: { signal?: AbortSignal } = {}): Promise<Set<string> | undefined> {
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    try {
      const list = await this.request<{ resources?: Array<{ name?: string }> }>({
        method: HttpMethod.GET, path, signal: opts.signal, target: { verb: 'get', group, resource: 'discovery' },
      });
      return new Set((list?.resources ?? []).map((r) => r.name).filter((n): n is string => typeof n === 'string' && !n.includes('/')));
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /**
   * GET /apis as aggregated discovery: the plurals served in every API group/version at once, or
   * undefined when the apiserver does not offer aggregated discovery (use servedResources per
   * group/version then). Needs no RBAC rule either.
   */
  async servedByGroupVersion(opts: { signal?: AbortSignal } = {}): Promise<Map<string, Set<string>> | undefined> {
    const doc = await this.request<unknown>({
      method: HttpMethod.GET, path: '/apis', accept: AGGREGATED_DISCOVERY_ACCEPT, signal: opts.signal, target: { verb: 'get', group: '', resource: 'discovery' },
    });
    return servedByGroupVersion(doc);
  }

  get<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, opts: { signal?: AbortSignal } = {}): Promise<T> {
    return this.request<T>({
      method: HttpMethod.GET,
      path: objectPath(type, namespace, name),
      signal: opts.signal,
      target: targetOf(type, 'get', namespace, name),
    });
  }

  /** One page; use listAll for the whole collection. */
  list<T = KubeObject>(type: ResourceType, opts: ListOptions & { limit?: number; continue?: string } = {}): Promise<KubeList<T>> {
    return this.request<KubeList<T>>({
      method: HttpMethod.GET,
      path: collectionPath(type, opts.namespace),
      query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.limit, continue: opts.continue },
      signal: opts.signal,
      target: targetOf(type, 'list', opts.namespace),
    });
  }

  /**
   * Every item, in pages of 500, with apiVersion and kind filled in (list responses omit them).
   * If a continue token expires mid-way the collection is listed again in one request.
   */
  async listAll<T extends KubeObject>(type: ResourceType, opts: ListOptions = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    for (;;) {
      let page: KubeList<T>;
      try {
        page = await this.list<T>(type, { ...opts, limit: LIST_PAGE_SIZE, continue: continueToken });
      } catch (err) {
        if (continueToken !== undefined && isGone(err)) {
          const full = await this.list<T>(type, opts);
          return { items: full.items.map((o) => withTypeMeta(type, o)), resourceVersion: full.metadata.resourceVersion ?? '' };
        }
        throw err;
      }
      for (const item of page.items ?? []) items.push(withTypeMeta(type, item));
      resourceVersion = page.metadata.resourceVersion ?? resourceVersion;
      continueToken = page.metadata.continue || undefined;
      if (!continueToken) return { items, resourceVersion };
    }
  }

  create<T extends KubeObject>(type: ResourceType, obj: T, opts: WriteOptions = {}): Promise<T> {
    const { name, namespace } = { name: obj.metadata?.name, namespace: obj.metadata?.namespace };
    return this.request<T>({
      method: HttpMethod.POST,
      path: collectionPath(type, namespace),
      query: { fieldManager: opts.fieldManager },
      body: withTypeMeta(type, obj),
      signal: opts.signal,
      target: targetOf(type, 'create', namespace, name),
    });
  }

  /** PUT; the apiserver answers 409 when metadata.resourceVersion is stale. */
  replace<T extends KubeObject>(type: ResourceType, obj: T, opts: WriteOptions = {}): Promise<T> {
    const { name, namespace } = metaOf(obj);
    return this.request<T>({
      method: HttpMethod.PUT,
      path: objectPath(type, namespace, name),
      query: { fieldManager: opts.fieldManager },
      body: withTypeMeta(type, obj),
      signal: opts.signal,
      target: targetOf(type, 'update', namespace, name),
    });
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; signal?: AbortSignal } = {},
  ): Promise<unknown> {
    return this.request<unknown>({
      method: HttpMethod.DELETE,
      path: objectPath(type, namespace, name),
      body: opts.propagationPolicy ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: opts.propagationPolicy } : undefined,
      signal: opts.signal,
      target: targetOf(type, 'delete', namespace, name),
    });
  }

  /**
   * POST pods/<name>/eviction (policy/v1): deletes the pod unless a PodDisruptionBudget forbids it
   * now, which the apiserver answers with 429.
   */
  evictPod(namespace: string, name: string, opts: { signal?: AbortSignal } = {}): Promise<unknown> {
    return this.request<unknown>({
      method: HttpMethod.POST,
      path: `${objectPath(PODS, namespace, name)}/eviction`,
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
      signal: opts.signal,
      target: { verb: 'create', group: '', resource: 'pods/eviction', namespace, name },
    });
  }

  /** JSON merge patch (RFC 7386), always sent as application/merge-patch+json. */
  mergePatch<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, opts: WriteOptions = {}): Promise<T> {
    return this.patch<T>(type, namespace, name, patch, undefined, opts);
  }

  /** Merge patch of the status subresource (the only way to write status of a CRD with a status subresource). */
  mergePatchStatus<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, opts: WriteOptions = {}): Promise<T> {
    return this.patch<T>(type, namespace, name, patch, 'status', opts);
  }

  /** JSON patch (RFC 6902), as `kubectl argo rollouts undo` sends it. */
  jsonPatch<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, operations: readonly unknown[], opts: WriteOptions = {}): Promise<T> {
    return this.request<T>({
      method: HttpMethod.PATCH,
      path: objectPath(type, namespace, name),
      query: { fieldManager: opts.fieldManager },
      body: operations,
      contentType: PatchStrategy.JsonPatch,
      signal: opts.signal,
      target: targetOf(type, 'patch', namespace, name),
    });
  }

  /** Server-side apply; `fieldManager` is required by the apiserver for apply patches. */
  apply<T extends KubeObject>(type: ResourceType, obj: T, opts: WriteOptions & { fieldManager: string; force?: boolean }): Promise<T> {
    const { name, namespace } = metaOf(obj);
    return this.request<T>({
      method: HttpMethod.PATCH,
      path: objectPath(type, namespace, name),
      query: { fieldManager: opts.fieldManager, force: opts.force },
      body: withTypeMeta(type, obj),
      contentType: PatchStrategy.ServerSideApply,
      signal: opts.signal,
      target: targetOf(type, 'apply', namespace, name),
    });
  }

  private patch<T>(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, subresource: string | undefined, opts: WriteOptions): Promise<T> {
    return this.request<T>({
      method: HttpMethod.PATCH,
      path: objectPath(type, namespace, name, subresource),
      query: { fieldManager: opts.fieldManager },
      body: patch,
      contentType: PatchStrategy.MergePatch,
      signal: opts.signal,
      target: targetOf(type, subresource ? `patch ${subresource} of` : 'patch', namespace, name),
    });
  }

  /**
   * One watch request. Resolves when the server ends the stream (timeoutSeconds), rejects with a
   * KubeApiError for an error status (including an in-stream 410 ERROR event) or a transport error.
   */
  watch<T extends KubeObject>(type: ResourceType, opts: WatchOptions, onEvent: (event: WatchEvent<T>) => void): Promise<void> {
    const target = targetOf(type, 'watch', opts.namespace);
    const watcher = new Watch(this.kubeConfig);
    const kind = type.plural;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let controller: AbortController | undefined;
      const finish = (err: unknown): void => {
        if (settled) return;
        settled = true;
        opts.signal.removeEventListener('abort', onAbort);
        controller?.abort();
        if (err) reject(err);
        else resolve();
      };
      const onAbort = (): void => {
        const abortError = new Error('watch aborted');
        abortError.name = 'AbortError';
        finish(abortError);
      };
      if (opts.signal.aborted) {
        onAbort();
        return;
      }
      opts.signal.addEventListener('abort', onAbort, { once: true });
      const handleEvent = (phase: string, obj: unknown): void => {
        if (settled) return;
        if (phase === 'ERROR') {
          const status = parseStatus(obj);
          finish(new KubeApiError(target, status?.code ?? 500, status));
          return;
        }
        if (phase === 'BOOKMARK') {
          const rv = (obj as KubeObject | undefined)?.metadata?.resourceVersion;
          if (rv) onEvent({ type: 'BOOKMARK', resourceVersion: rv });
          return;
        }
        if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') {
          onEvent({ type: phase, object: withTypeMeta(type, obj as T) });
        }
      };
      const done = (err: unknown): void => {
        if (err && typeof (err as { statusCode?: unknown }).statusCode === 'number') {
          const statusCode = (err as { statusCode: number }).statusCode;
          this.observe?.({ verb: 'Watch', kind, statusCode });
          finish(new KubeApiError(target, statusCode, undefined, { cause: err }));
          return;
        }
        finish(err ? wrapKubeError(err, target) : undefined);
      };
      const path = collectionPath(type, opts.namespace);
      const query = {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        resourceVersion: opts.resourceVersion,
        timeoutSeconds: opts.timeoutSeconds,
        allowWatchBookmarks: true,
      };
      watcher.watch(path, query, handleEvent, done).then(
        (ctrl) => {
          controller = ctrl;
          // Settled already means the request failed before a stream opened (counted in done) or was aborted.
          if (settled) ctrl.abort();
          else this.observe?.({ verb: 'Watch', kind, statusCode: 200 });
        },
        (err: unknown) => finish(wrapKubeError(err, target)),
      );
    });
  }
}

function withTypeMeta<T extends KubeObject>(type: ResourceType, obj: T): T {
  if (obj.apiVersion && obj.kind) return obj;
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(type), kind: obj.kind ?? type.kind };
}

/** Per-call options for typed client-node patch methods, which otherwise send a JSON patch. */
export function mergePatchOptions(): ConfigurationOptions<ObservableMiddleware> {
  return setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
}

/**
 * The verbs the CLI, the dashboard's writes and client/ use: what the in-memory test fake
 * (test/support/fake-kube.ts) implements.
 */
export type KubeVerbs = Pick<KubeClient, 'server' | 'get' | 'listAll' | 'mergePatch' | 'mergePatchStatus' | 'jsonPatch' | 'replace' | 'create'>;
