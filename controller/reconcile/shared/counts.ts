import type { V1LabelSelector, V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout } from '../../api/index.ts';
import { replicaSetByHash } from './replicaset-identity.ts';

/** The replica counts and selector a Rollout reports in its status, summed over its ReplicaSets. */

/** Sum of spec.replicas (GetReplicaCountForReplicaSets). */
export function replicaCount(rss: readonly (V1ReplicaSet | undefined)[]): number {
  return rss.reduce((sum, rs) => sum + (rs?.spec?.replicas ?? 0), 0);
}

/** Sum of status.replicas (GetActualReplicaCountForReplicaSets). */
export function actualReplicaCount(rss: readonly (V1ReplicaSet | undefined)[]): number {
  return rss.reduce((sum, rs) => sum + (rs?.status?.replicas ?? 0), 0);
}

export function availableReplicaCount(rss: readonly (V1ReplicaSet | undefined)[]): number {
  return rss.reduce((sum, rs) => sum + (rs?.status?.availableReplicas ?? 0), 0);
}

export function readyReplicaCount(rss: readonly (V1ReplicaSet | undefined)[]): number {
  return rss.reduce((sum, rs) => sum + (rs?.status?.readyReplicas ?? 0), 0);
}

export interface StatusCounts {
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  HPAReplicas: number;
  selector: string;
}

/**
 * The counts Argo's calculateBaseStatus and syncRolloutStatus{Canary,BlueGreen} report. For
 * blue-green, once the active selector names a ReplicaSet, availability, readiness, the HPA count
 * and the selector are those of the active ReplicaSet, the pods receiving traffic.
 */
export function statusCounts(
  rollout: Rollout,
  allRSs: readonly V1ReplicaSet[],
  newRS: V1ReplicaSet | undefined,
  activeSelector?: string,
): StatusCounts {
  const counts: StatusCounts = {
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: availableReplicaCount(allRSs),
    HPAReplicas: actualReplicaCount(allRSs),
    selector: formatLabelSelector(rollout.spec.selector),
  };
  const activeRS = rollout.spec.strategy.blueGreen ? replicaSetByHash(allRSs, activeSelector) : undefined;
  if (activeRS) {
    counts.HPAReplicas = activeRS.status?.replicas ?? 0;
    counts.selector = formatLabelSelector(activeRS.spec?.selector);
    counts.availableReplicas = activeRS.status?.availableReplicas ?? 0;
    counts.readyReplicas = activeRS.status?.readyReplicas ?? 0;
  }
  return counts;
}

const SELECTOR_OPERATORS: Record<string, (key: string, values: string[]) => string> = {
  In: (key, values) => `${key} in (${values.join(',')})`,
  NotIn: (key, values) => `${key} notin (${values.join(',')})`,
  Exists: (key) => key,
  DoesNotExist: (key) => `!${key}`,
};

/**
 * metav1.FormatLabelSelector: requirements sorted by key, `k=v`, `k in (a,b)`, `k notin (a,b)`,
 * `k`, `!k`; "<none>" for an empty or missing selector, "<error>" for an invalid one.
 */
export function formatLabelSelector(selector: V1LabelSelector | undefined): string {
  if (!selector) return '<none>';
  const requirements: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) requirements.push({ key, text: `${key}=${value}` });
  for (const expression of selector.matchExpressions ?? []) {
    const format = SELECTOR_OPERATORS[expression.operator];
    const values = [...(expression.values ?? [])].sort();
    const needsValues = expression.operator === 'In' || expression.operator === 'NotIn';
    if (!format || needsValues !== values.length > 0) return '<error>';
    requirements.push({ key: expression.key, text: format(expression.key, values) });
  }
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const text = requirements.map((r) => r.text).join(',');
  return text === '' ? '<none>' : text;
}
