// Provider credentials live in Secrets, as in Argo: by default in the
// controller's own namespace, read at every measurement so a rotated key is
// used at once.
import type { SecretPort } from '../args.ts';

export interface CredentialDeps {
  secrets: SecretPort;
  // The controller's namespace (Argo's POD_NAMESPACE).
  namespace: string;
}

// The Secret's data, or the API server's not-found message Argo passes on.
export async function readSecret(deps: CredentialDeps, name: string, namespace = deps.namespace): Promise<Record<string, string>> {
  const data = await deps.secrets.get(namespace, name);
  if (data === undefined) throw new Error(`secrets "${name}" not found`);
  return data;
}
