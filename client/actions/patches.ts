import type { Rollout } from '../../controller/api/index.ts';
import { formatTime } from '../../controller/api/kit.ts';
import { currentCanaryStep } from '../../controller/reconcile/shared/current-step.ts';
import { isFullyPromoted } from '../info/phase.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../info/labels.ts';

/**
 * The exact patches `kubectl argo rollouts` sends, built as pure functions so the CLI, the
 * dashboard and the tests share them. Rollouts use the status subresource, so a write that
 * touches both spec and status is two merge patches; `unified` is the single patch Argo falls
 * back to when the cluster has no status subresource (the status patch answers 404).
 */
export interface RolloutPatches {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  unified?: Record<string, unknown>;
}

/** A write the CLI refuses, with the reason and what to do instead. */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

export interface PromoteOptions {
  /** Skip remaining steps, pauses and analysis (`--full`). */
  full?: boolean;
  /** Deprecated in Argo: move to the next step without clearing pauses. */
  skipCurrentStep?: boolean;
  /** Deprecated in Argo: jump past the last step. */
  skipAllSteps?: boolean;
}

function isInconclusiveCanary(ro: Rollout): boolean {
  return ro.spec.strategy.canary !== undefined && ro.status?.canary?.currentStepAnalysisRunStatus?.status === 'Inconclusive';
}

/** Argo's promote getPatches, plus a refusal where promoting would do nothing. */
export function promotePatches(ro: Rollout, opts: PromoteOptions = {}): RolloutPatches {
  const name = ro.metadata.name ?? '';
  const steps = ro.spec.strategy.canary?.steps ?? [];
  const status = ro.status ?? {};
  const pauseConditions = status.pauseConditions ?? [];
  if (opts.skipCurrentStep && opts.skipAllSteps) {
    throw new RefusedError('Cannot use skip-current-step and skip-all-steps flags at the same time');
  }
  if (opts.skipCurrentStep || opts.skipAllSteps) {
    if (ro.spec.strategy.blueGreen !== undefined) throw new RefusedError('Cannot skip steps of a bluegreen rollout. Run without a flags');
    if (ro.spec.strategy.canary !== undefined && steps.length === 0) throw new RefusedError('Cannot skip steps of a rollout without steps');
  }
  const nextIndex = (): number | undefined => {
    const { index } = currentCanaryStep(ro);
    if (index === undefined) return undefined;
    return index < steps.length ? index + 1 : index;
  };
  if (opts.skipCurrentStep) {
    const index = nextIndex();
    if (index === undefined) return {};
    const patch = { status: { currentStepIndex: index } };
    return { status: patch, unified: patch };
  }
  if (opts.skipAllSteps) {
    const patch = { status: { currentStepIndex: steps.length } };
    return { status: patch, unified: patch };
  }
  const fullyPromoted = (status.stableRS ?? '') !== '' && isFullyPromoted(ro);
  if (opts.full) {
    if (fullyPromoted) {
      throw new RefusedError(`rollout "${name}" is already fully promoted: its stable ReplicaSet runs the current template; nothing to promote`);
    }
    return { status: { status: { promoteFull: true } } };
  }
  if (fullyPromoted && !ro.spec.paused && pauseConditions.length === 0 && !status.abort) {
    throw new RefusedError(`rollout "${name}" is already fully promoted and not paused; nothing to promote`);
  }
  const out: RolloutPatches = { unified: { spec: { paused: false }, status: { pauseConditions: null } } };
  if (ro.spec.paused) out.spec = { spec: { paused: false } };
  if (isInconclusiveCanary(ro) && pauseConditions.length > 0 && status.controllerPause) {
    // Without moving on, an inconclusive analysis step followed by a pause step would stay stuck.
    const index = nextIndex();
    if (index !== undefined) out.status = { status: { pauseConditions: null, controllerPause: false, currentStepIndex: index } };
  } else if (pauseConditions.length > 0) {
    out.status = { status: { pauseConditions: null } };
  } else if (ro.spec.strategy.canary !== undefined) {
    // Promoting while an analysis or experiment step runs moves past that step.
    const index = nextIndex();
    if (index !== undefined) {
      out.status = { status: { pauseConditions: null, currentStepIndex: index } };
      out.unified = { spec: { paused: false }, status: { pauseConditions: null, currentStepIndex: index } };
    }
  }
  return out;
}

export const ABORT_PATCH = { status: { abort: true } } as const;
export const RETRY_PATCH = { status: { abort: false } } as const;
export const PAUSE_PATCH = { spec: { paused: true } } as const;
export const RESUME_PATCH = { spec: { paused: false } } as const;

/** `resume` undoes `pause`; a rollout waiting on a pause step or analysis needs `promote`. */
export function resumePatch(ro: Rollout): Record<string, unknown> {
  const name = ro.metadata.name ?? '';
  if (ro.spec.paused) return RESUME_PATCH;
  const waiting = ro.status?.pauseConditions?.[0];
  if (waiting !== undefined) {
    throw new RefusedError(`rollout "${name}" is not paused by hand; it waits on ${waiting.reason}; continue it with: kubectl ramp promote ${name}`);
  }
  throw new RefusedError(`rollout "${name}" is not paused`);
}

/** Go's time.RFC3339 in UTC: no fractional seconds, "Z" suffix. */
export function restartPatch(at: Date): Record<string, unknown> {
  return { spec: { restartAt: formatTime(at) } };
}

type Json = unknown;

/** Argo's equalIgnoreHash: DeepDerivative, where fields unset in `a` match anything in `b`. */
export function deepDerivative(a: Json, b: Json): boolean {
  if (a === undefined || a === null) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepDerivative(item, b[i]));
  }
  if (typeof a === 'object') {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return Object.keys(a).length === 0;
    const bObj = b as Record<string, Json>;
    return Object.entries(a as Record<string, Json>).every(([key, value]) => deepDerivative(value, bObj[key]));
  }
  if (a === '') return true;
  return a === b;
}

function withoutHashLabel(template: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(template ?? {})) as { metadata?: { labels?: Record<string, string> } };
  if (copy.metadata?.labels !== undefined) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy as Record<string, unknown>;
}

/** True when the rollout's template already is `rsTemplate`, the hash label aside. */
export function templateMatches(rolloutTemplate: unknown, rsTemplate: unknown): boolean {
  return deepDerivative(withoutHashLabel(rolloutTemplate), withoutHashLabel(rsTemplate));
}

/**
 * Argo's undo: a JSON patch replacing spec.template with the ReplicaSet's template, its
 * rollouts-pod-template-hash label removed.
 */
export function undoPatch(rsTemplate: unknown): { op: 'replace'; path: '/spec/template'; value: Record<string, unknown> }[] {
  return [{ op: 'replace', path: '/spec/template', value: withoutHashLabel(rsTemplate) }];
}

/**
 * Argo's newRolloutSetImage: sets `image` on every init, regular and ephemeral container named
 * `container` ("*" for all) of the object's spec.template, returning the changed copy.
 */
export function withImage<T>(obj: T, container: string, image: string): T {
  const copy = JSON.parse(JSON.stringify(obj)) as { spec?: { template?: { spec?: Record<string, unknown> } } };
  const podSpec = copy.spec?.template?.spec ?? {};
  let found = false;
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = podSpec[field];
    if (!Array.isArray(list)) continue;
    for (const ctr of list as { name?: string; image?: string }[]) {
      if (ctr.name === container || container === '*') {
        ctr.image = image;
        found = true;
      }
    }
  }
  if (!found) throw new RefusedError(`unable to find container named "${container}"`);
  return copy as T;
}
