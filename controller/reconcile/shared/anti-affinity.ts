import type { V1Affinity, V1PodAffinityTerm } from '@kubernetes/client-node';
import type { AntiAffinity, Rollout } from '../../api/index.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';

/** The anti-affinity rule injected into new pods so they avoid the stable pods' nodes (Argo's antiAffinity). */

function rolloutAntiAffinity(rollout: Rollout): AntiAffinity | undefined {
  const strategy = rollout.spec.strategy.canary?.antiAffinity ?? rollout.spec.strategy.blueGreen?.antiAffinity;
  if (!strategy) return undefined;
  if (strategy.preferredDuringSchedulingIgnoredDuringExecution || strategy.requiredDuringSchedulingIgnoredDuringExecution) return strategy;
  return undefined;
}

function injectedAntiAffinityTerm(rollout: Rollout): V1PodAffinityTerm {
  return {
    labelSelector: {
      matchExpressions: [{ key: POD_TEMPLATE_HASH_LABEL, operator: 'In', values: [rollout.status?.stableRS ?? ''] }],
    },
    namespaces: [rollout.metadata.namespace ?? ''],
    topologyKey: 'kubernetes.io/hostname',
  };
}

/**
 * Argo's GenerateReplicaSetAffinity: the template's affinity plus, while an update is in progress
 * and `antiAffinity` is set, a rule keeping new pods off the nodes of the stable ones.
 */
export function replicaSetAffinity(rollout: Rollout, currentPodHash: string): V1Affinity | undefined {
  const strategy = rolloutAntiAffinity(rollout);
  const affinity = rollout.spec.template?.spec?.affinity ? structuredClone(rollout.spec.template.spec.affinity) : undefined;
  const stableRS = rollout.status?.stableRS ?? '';
  if (!strategy || stableRS === '' || stableRS === currentPodHash) return affinity;
  const out: V1Affinity = affinity ?? {};
  const anti = (out.podAntiAffinity ??= {});
  const term = injectedAntiAffinityTerm(rollout);
  const preferred = strategy.preferredDuringSchedulingIgnoredDuringExecution;
  if (preferred) {
    anti.preferredDuringSchedulingIgnoredDuringExecution = [
      ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []),
      { weight: preferred.weight, podAffinityTerm: term },
    ];
  } else {
    anti.requiredDuringSchedulingIgnoredDuringExecution = [...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []), term];
  }
  return out;
}

function injectedTermIndex(affinity: V1Affinity | undefined, rollout: Rollout): { index: number; term?: V1PodAffinityTerm } {
  const strategy = rolloutAntiAffinity(rollout);
  const anti = affinity?.podAntiAffinity;
  if (!strategy || !anti) return { index: -1 };
  const terms = strategy.preferredDuringSchedulingIgnoredDuringExecution
    ? (anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => t.podAffinityTerm)
    : (anti.requiredDuringSchedulingIgnoredDuringExecution ?? []);
  const index = terms.findIndex((t) => (t.labelSelector?.matchExpressions ?? []).some((e) => e.key === POD_TEMPLATE_HASH_LABEL));
  return index >= 0 ? { index, term: terms[index] } : { index: -1 };
}

/** Argo's RemoveInjectedAntiAffinityRule: the affinity without the rule the controller injected. */
export function removeInjectedAntiAffinityRule(affinity: V1Affinity | undefined, rollout: Rollout): V1Affinity | undefined {
  const { index } = injectedTermIndex(affinity, rollout);
  if (index < 0 || !affinity) return affinity;
  const out = structuredClone(affinity);
  const anti = out.podAntiAffinity ?? {};
  const strategy = rolloutAntiAffinity(rollout);
  if (strategy?.preferredDuringSchedulingIgnoredDuringExecution) anti.preferredDuringSchedulingIgnoredDuringExecution?.splice(index, 1);
  if (strategy?.requiredDuringSchedulingIgnoredDuringExecution) anti.requiredDuringSchedulingIgnoredDuringExecution?.splice(index, 1);
  if (anti.requiredDuringSchedulingIgnoredDuringExecution?.length === 0) delete anti.requiredDuringSchedulingIgnoredDuringExecution;
  if (anti.preferredDuringSchedulingIgnoredDuringExecution?.length === 0) delete anti.preferredDuringSchedulingIgnoredDuringExecution;
  if (!anti.requiredDuringSchedulingIgnoredDuringExecution && !anti.preferredDuringSchedulingIgnoredDuringExecution) delete out.podAntiAffinity;
  if (!out.podAntiAffinity && !out.podAffinity && !out.nodeAffinity) return undefined;
  return out;
}

/**
 * Argo's IfInjectedAntiAffinityRuleNeedsUpdate: the injected rule still points at an old stable
 * hash while the current pod hash (that of the new ReplicaSet) is not the stable one.
 */
export function injectedAntiAffinityRuleNeedsUpdate(affinity: V1Affinity | undefined, rollout: Rollout, currentPodHash: string): boolean {
  const { term } = injectedTermIndex(affinity, rollout);
  const stableRS = rollout.status?.stableRS ?? '';
  if (!term || stableRS === currentPodHash) return false;
  return (term.labelSelector?.matchExpressions ?? []).some((e) => e.key === POD_TEMPLATE_HASH_LABEL && e.values?.[0] !== stableRS);
}
