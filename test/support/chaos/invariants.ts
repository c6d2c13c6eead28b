/**
 * The chaos run's invariants, as pure functions of what the cluster shows: tables of observed
 * states in, findings out (test/unit/chaos/invariants.test.ts). The runner (run.ts) feeds them
 * from its own watches of the apiserver, never through the fault proxy.
 */

export type InvariantName =
  | 'one-replicaset-per-hash'
  | 'active-service-available'
  | 'weight-direction'
  | 'promoted-past-failed-analysis'
  | 'command-reflected'
  | 'settled'
  | 'memory-flat';

export interface Finding {
  invariant: InvariantName;
  /** `namespace/name` of the Rollout (or the controller process for memory). */
  subject: string;
  message: string;
}

/** A Rollout as the checker reads it, with what it owns and routes. */
export interface RolloutView {
  key: string;
  generation: number;
  status: {
    observedGeneration?: string;
    currentPodHash?: string;
    stableRS?: string;
    phase?: string;
    abort?: boolean;
    abortedAt?: string;
    controllerPause?: boolean;
    pauseConditions?: Array<{ reason?: string }> | null;
    promoteFull?: boolean;
  };
  /** The ReplicaSets it controls that are not being deleted. */
  replicaSets: Array<{ name: string; hash: string; availableReplicas: number }>;
  /** Blue-green: the pod-template hash the active Service selects, if it selects one. */
  activeSelectorHash?: string | undefined;
  /** Canary with traffic routing: the weight routed to the canary, if a route exists. */
  canaryWeight?: number | undefined;
  /** Hashes of the revisions whose AnalysisRun ended Failed. */
  failedAnalysisHashes: string[];
}

export function duplicateHashes(view: RolloutView): Finding[] {
  const byHash = new Map<string, string[]>();
  for (const rs of view.replicaSets) byHash.set(rs.hash, [...(byHash.get(rs.hash) ?? []), rs.name]);
  return [...byHash.entries()]
    .filter(([, names]) => names.length > 1)
    .map(([hash, names]) => ({ invariant: 'one-replicaset-per-hash', subject: view.key, message: `ReplicaSets ${names.sort().join(', ')} share pod-template hash ${hash}` }));
}

export function activeServiceUnavailable(view: RolloutView): Finding[] {
  const hash = view.activeSelectorHash;
  if (hash === undefined) return [];
  const rs = view.replicaSets.find((r) => r.hash === hash);
  if (rs && rs.availableReplicas > 0) return [];
  const why = rs ? `ReplicaSet ${rs.name} has no available pod` : 'no ReplicaSet has that hash';
  return [{ invariant: 'active-service-available', subject: view.key, message: `the active Service selects hash ${hash}: ${why}` }];
}

/** Which way the canary weight may still move within one revision attempt. */
export interface WeightTrack {
  /** generation, new hash and abort: a new template, an abort or a retry starts a new attempt. */
  segment: string;
  /** When this attempt was first seen. */
  startedAt: number;
  last: number;
  /** Once the weight has gone down in an attempt, it may not go up again in it. */
  descending: boolean;
}

export function weightSegment(view: RolloutView): string {
  return `${view.generation}|${view.status.currentPodHash ?? ''}|${view.status.abort === true ? 'aborted' : 'running'}`;
}

/**
 * How long after an attempt is first seen its weights only set the baseline: the Rollout and its
 * route arrive on two watches in no set order, so the route may still show the last attempt's weight.
 */
export const WEIGHT_BASELINE_MS = 3_000;

/**
 * Canary weights move in the direction of the steps: up through an attempt, and down only at its
 * end (promotion, abort); a weight that goes down and then up again within one attempt flapped.
 */
export function nextWeight(track: WeightTrack | undefined, view: RolloutView, now: number): { track: WeightTrack | undefined; finding?: Finding } {
  const weight = view.canaryWeight;
  if (weight === undefined) return { track };
  const segment = weightSegment(view);
  if (!track || track.segment !== segment) return { track: { segment, startedAt: now, last: weight, descending: view.status.abort === true } };
  if (now - track.startedAt < WEIGHT_BASELINE_MS) return { track: { ...track, last: weight } };
  if (weight < track.last) return { track: { ...track, last: weight, descending: true } };
  if (weight > track.last && track.descending) {
    return {
      track: { ...track, last: weight },
      finding: { invariant: 'weight-direction', subject: view.key, message: `canary weight went back up to ${weight} after coming down to ${track.last} in the same attempt (${segment})` },
    };
  }
  return { track: { ...track, last: weight } };
}

/** A revision whose analysis failed became stable, though no user promoted it by hand. */
export function promotedPastFailedAnalysis(view: RolloutView, promotedByUser: ReadonlySet<string>): Finding[] {
  const stable = view.status.stableRS;
  if (!stable || !view.failedAnalysisHashes.includes(stable) || promotedByUser.has(`${view.key}@${stable}`)) return [];
  return [{ invariant: 'promoted-past-failed-analysis', subject: view.key, message: `revision ${stable} is stable although its AnalysisRun failed` }];
}

export type CommandKind = 'image' | 'promote' | 'promote-full' | 'abort' | 'retry';

export interface SentCommand {
  rollout: string;
  kind: CommandKind;
  /** Wall-clock ms when the write was answered. */
  sentAt: number;
  /** metadata.generation the write's answer carried. */
  generation: number;
}

/** The status shows the command carried out (or made moot by the controller's own next step). */
export function reflects(command: SentCommand, view: RolloutView): boolean {
  const s = view.status;
  const observed = Number(s.observedGeneration ?? -1) >= command.generation;
  switch (command.kind) {
    case 'image':
      return observed;
    case 'promote':
      return observed && !(s.controllerPause === true && (s.pauseConditions ?? []).length === 0);
    case 'promote-full':
      return observed && (s.promoteFull !== true || s.stableRS === s.currentPodHash);
    case 'abort':
      return observed && (s.abort !== true || !!s.abortedAt);
    case 'retry':
      return observed && s.abort !== true && !s.abortedAt;
  }
}

/** Commands never seen reflected, leaving out those a later command on the same Rollout replaced. */
export function unreflected(commands: readonly SentCommand[], reflectedAt: ReadonlyMap<SentCommand, number>): Finding[] {
  const lastReflected = new Map<string, number>();
  for (const c of commands) {
    if (reflectedAt.has(c)) lastReflected.set(c.rollout, Math.max(lastReflected.get(c.rollout) ?? 0, c.sentAt));
  }
  return commands
    .filter((c) => !reflectedAt.has(c) && !((lastReflected.get(c.rollout) ?? -1) > c.sentAt))
    .map((c) => ({ invariant: 'command-reflected', subject: c.rollout, message: `${c.kind} sent at ${new Date(c.sentAt).toISOString()} (generation ${c.generation}) never showed in the status` }));
}

/**
 * Settled: the controller has seen the last spec, no command waits, and the Rollout rests where
 * its last command left it: Healthy, Paused on a step, or Degraded by an abort (a user's, or a
 * failed analysis's).
 */
export function unsettledReason(view: RolloutView): string | undefined {
  const s = view.status;
  if (Number(s.observedGeneration ?? -1) < view.generation) return `generation ${view.generation} not observed (status has ${s.observedGeneration ?? 'none'})`;
  if (s.controllerPause === true && (s.pauseConditions ?? []).length === 0) return 'a promote is not acted on';
  if (s.abort === true && !s.abortedAt) return 'an abort is not acted on';
  if (s.abort !== true && s.abortedAt) return 'a retry is not acted on';
  if (s.phase === 'Healthy' || s.phase === 'Paused') return undefined;
  if (s.phase === 'Degraded' && s.abort === true) return undefined;
  return `phase ${s.phase ?? 'unset'}`;
}

/**
 * A finding counts once it has held for `graceMs`: the checker's watches of different kinds
 * arrive in no particular order, so a Service may be seen switched before its ReplicaSet is seen
 * available. `since` maps a finding's identity to when it was first seen.
 */
export function sustained(since: ReadonlyMap<string, number>, findings: readonly Finding[], now: number, graceMs: number): { since: Map<string, number>; due: Finding[] } {
  const next = new Map<string, number>();
  const due: Finding[] = [];
  for (const f of findings) {
    const id = `${f.invariant}|${f.subject}|${f.message}`;
    const first = since.get(id) ?? now;
    next.set(id, first);
    if (now - first >= graceMs) due.push(f);
  }
  return { since: next, due };
}

export interface MemorySample {
  at: number;
  rssBytes: number;
}

/**
 * Flat memory: over one process's life, the RSS of its last third is not more than `tolerance`
 * (a fraction) above that of its middle third (the first third is start-up and cache filling).
 */
export function memoryGrowth(subject: string, samples: readonly MemorySample[], tolerance = 0.5): { growth: number; finding?: Finding } {
  if (samples.length < 6) return { growth: 0 };
  const third = Math.floor(samples.length / 3);
  const mean = (xs: readonly MemorySample[]): number => xs.reduce((a, s) => a + s.rssBytes, 0) / xs.length;
  const middle = mean(samples.slice(third, 2 * third));
  const last = mean(samples.slice(2 * third));
  const growth = middle > 0 ? last / middle - 1 : 0;
  if (growth <= tolerance) return { growth };
  return { growth, finding: { invariant: 'memory-flat', subject, message: `RSS grew ${(growth * 100).toFixed(0)}% from ${(middle / 2 ** 20).toFixed(0)} MiB to ${(last / 2 ** 20).toFixed(0)} MiB` } };
}
