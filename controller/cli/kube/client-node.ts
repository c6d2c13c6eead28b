import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { KubeApiError, KubeUnreachableError, type KubeClient, type KubeObject, type PatchOptions, type Resource } from './port.ts';

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate does not name this host',
};

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

interface StatusBody {
  reason?: string;
  message?: string;
  details?: { name?: string; group?: string; kind?: string };
}

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body.trim() };
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : {};
}

/** Turns client-node's exceptions into the port's two error kinds; anything else passes through. */
export function translateError(err: unknown, server: string): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number' && code >= 400 && 'body' in (err as object)) {
    const status = parseStatus((err as { body?: unknown }).body);
    const reason = status.reason ?? (code === 401 ? 'Unauthorized' : '');
    return new KubeApiError(code, reason, status.message ?? '', status.details ?? {});
  }
  const network = errorCode(err);
  if (network !== undefined && network in NETWORK_CODES) return new KubeUnreachableError(server, NETWORK_CODES[network]!, { cause: err });
  if (err instanceof Error && (err.name === 'FetchError' || err.name === 'AbortError')) {
    return new KubeUnreachableError(server, err.message, { cause: err });
  }
  return err;
}

/** Plain JSON as on the wire: client-node's typed APIs turn timestamps into Date objects. */
function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function kubeClientFromConfig(kc: KubeConfig): KubeClient {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const server = kc.getCurrentCluster()?.server ?? '(no server in kubeconfig)';
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw translateError(err, server);
    }
  };
  const coreOnly = (resource: Resource, verb: string): never => {
    throw new Error(`${verb} of core ${resource.plural} is not supported by this client`);
  };
  const ns = (resource: Resource, namespace: string | undefined): string => {
    if (resource.namespaced && namespace === undefined) throw new Error(`${resource.kind} needs a namespace`);
    return namespace ?? '';
  };
  return {
    server,
    get: (resource, namespace, name) =>
      call(async () => {
        if (resource.group === '') {
          if (resource.plural !== 'pods') return coreOnly(resource, 'get');
          return wire(await core.readNamespacedPod({ name, namespace: ns(resource, namespace) })) as unknown as KubeObject;
        }
        const base = { group: resource.group, version: resource.version, plural: resource.plural, name };
        return (resource.namespaced
          ? await custom.getNamespacedCustomObject({ ...base, namespace: ns(resource, namespace) })
          : await custom.getClusterCustomObject(base)) as KubeObject;
      }),
    list: (resource, namespace, labelSelector) =>
      call(async () => {
        if (resource.group === '') {
          if (resource.plural !== 'pods') return coreOnly(resource, 'list');
          const list =
            namespace === undefined
              ? await core.listPodForAllNamespaces(labelSelector ? { labelSelector } : {})
              : await core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) });
          return wire(list.items) as unknown as KubeObject[];
        }
        const base = { group: resource.group, version: resource.version, plural: resource.plural, ...(labelSelector ? { labelSelector } : {}) };
        const list = (namespace === undefined || !resource.namespaced
          ? await custom.listClusterCustomObject(base)
          : await custom.listNamespacedCustomObject({ ...base, namespace })) as { items?: KubeObject[] };
        return list.items ?? [];
      }),
    patch: (resource, namespace, name, body, opts: PatchOptions) =>
      call(async () => {
        if (resource.group === '') return coreOnly(resource, 'patch');
        const headers = setHeaderOptions('Content-Type', opts.type === 'json' ? PatchStrategy.JsonPatch : PatchStrategy.MergePatch);
        const base = { group: resource.group, version: resource.version, plural: resource.plural, name, body };
        if (!resource.namespaced) return (await custom.patchClusterCustomObject(base, headers)) as KubeObject;
        const param = { ...base, namespace: ns(resource, namespace) };
        return (opts.subresource === 'status'
          ? await custom.patchNamespacedCustomObjectStatus(param, headers)
          : await custom.patchNamespacedCustomObject(param, headers)) as KubeObject;
      }),
    replace: (resource, namespace, name, body) =>
      call(async () => {
        if (resource.group === '') return coreOnly(resource, 'replace');
        const base = { group: resource.group, version: resource.version, plural: resource.plural, name, body };
        return (resource.namespaced
          ? await custom.replaceNamespacedCustomObject({ ...base, namespace: ns(resource, namespace) })
          : await custom.replaceClusterCustomObject(base)) as KubeObject;
      }),
    create: (resource, namespace, body) =>
      call(async () => {
        if (resource.group === '') return coreOnly(resource, 'create');
        const base = { group: resource.group, version: resource.version, plural: resource.plural, body };
        return (resource.namespaced
          ? await custom.createNamespacedCustomObject({ ...base, namespace: ns(resource, namespace) })
          : await custom.createClusterCustomObject(base)) as KubeObject;
      }),
  };
}
