export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
}

/** Reconnect policy shared by informers, kubeconfig loading and leader election retries. */
export const reconnectBackoff: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, factor: 2 };

/** Delay before retry number `attempt` (1-based): initial, initial·factor, … capped at max. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = policy.initialMs * Math.pow(policy.factor, exponent);
  return Math.min(policy.maxMs, raw);
}
