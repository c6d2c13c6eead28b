/**
 * Labels for controller_clientset_k8s_request_total, derived from a request's method and URL the
 * way Argo Rollouts derives them (verb List/Get/Watch/Create/Update/Patch/Delete, kind = the
 * resource plural). Argo also labels namespace and name; those are left out here so the number
 * of series does not grow with the number of objects.
 */

export interface RequestLabels {
  verb: string;
  kind: string;
}

interface ParsedPath {
  resource: string;
  name?: string;
}

function parseResourcePath(pathname: string): ParsedPath | undefined {
  const parts = pathname.split('/').filter((p) => p.length > 0);
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) rest = parts.slice(2);
  else if (parts[0] === 'apis' && parts.length >= 3) rest = parts.slice(3);
  else return undefined;
  if (rest[0] === 'watch') rest = rest.slice(1);
  if (rest.length === 0) return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const resource = rest[2];
    return resource === undefined ? undefined : { resource, name: rest[3] };
  }
  const resource = rest[0];
  return resource === undefined ? undefined : { resource, name: rest[1] };
}

export function requestLabels(method: string, url: string): RequestLabels {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { verb: 'Unknown', kind: 'Unknown' };
  }
  const path = parseResourcePath(parsed.pathname);
  if (!path) return { verb: 'Unknown', kind: 'Unknown' };
  const isWatch = parsed.searchParams.get('watch') === 'true' || parsed.searchParams.get('watch') === '1' || /\/watch\//.test(parsed.pathname);
  switch (method.toUpperCase()) {
    case 'GET':
      if (isWatch) return { verb: 'Watch', kind: path.resource };
      return { verb: path.name === undefined ? 'List' : 'Get', kind: path.resource };
    case 'POST':
      return { verb: 'Create', kind: path.resource };
    case 'PUT':
      return { verb: 'Update', kind: path.resource };
    case 'PATCH':
      return { verb: 'Patch', kind: path.resource };
    case 'DELETE':
      return { verb: 'Delete', kind: path.resource };
    default:
      return { verb: 'Unknown', kind: 'Unknown' };
  }
}
