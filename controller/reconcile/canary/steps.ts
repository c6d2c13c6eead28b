import { parseDuration, type CanaryStep, type RolloutPause } from '../../api/index.ts';
import type { CanaryStepFacts, CanaryStepKind } from '../../machine/canary.ts';
import { fnv1a32, safeEncodeString } from '../shared/hash.ts';

/**
 * What the canary planner needs to know about `spec.strategy.canary.steps`: the kind of each step,
 * pause durations, the hash Argo records in `status.currentStepHash`, and the description Argo
 * puts in its RolloutStepCompleted events.
 */

const STEP_KINDS: readonly CanaryStepKind[] = [
  'setWeight', 'pause', 'experiment', 'analysis', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute', 'plugin',
];

/** The kind of a step; validation guarantees exactly one field is set. */
export function stepKind(step: CanaryStep): CanaryStepKind {
  const kind = STEP_KINDS.find((k) => step[k] !== undefined);
  if (!kind) throw new Error(`canary step ${JSON.stringify(step)} sets none of ${STEP_KINDS.join(', ')}; validation should have refused it`);
  return kind;
}

/**
 * Argo's RolloutPause.DurationSeconds: an integer, an integer string, or a Go duration truncated
 * to whole seconds; -1 when unreadable (validation refuses those). Undefined for an indefinite pause.
 */
export function pauseDurationSeconds(pause: RolloutPause): number | undefined {
  if (pause.duration === undefined) return undefined;
  try {
    return Math.trunc(parseDuration(pause.duration));
  } catch {
    return -1;
  }
}

export function stepFacts(steps: readonly CanaryStep[]): CanaryStepFacts[] {
  return steps.map((step) => {
    const kind = stepKind(step);
    const pauseSeconds = step.pause ? pauseDurationSeconds(step.pause) : undefined;
    return pauseSeconds === undefined ? { kind } : { kind, pauseSeconds };
  });
}

/** Argo's rolloututil.CanaryStepString. */
export function stepDescription(step: CanaryStep): string {
  if (step.setWeight !== undefined) return `setWeight: ${step.setWeight}`;
  if (step.pause !== undefined) return step.pause.duration !== undefined ? `pause: ${step.pause.duration}` : 'pause';
  if (step.experiment !== undefined) return 'experiment';
  if (step.analysis !== undefined) return 'analysis';
  if (step.setCanaryScale !== undefined) {
    const scale = step.setCanaryScale;
    if (scale.weight !== undefined) return `setCanaryScale{weight: ${scale.weight}}`;
    if (scale.matchTrafficWeight) return 'setCanaryScale{matchTrafficWeight: true}';
    if (scale.replicas !== undefined) return `setCanaryScale{replicas: ${scale.replicas}}`;
  }
  if (step.setHeaderRoute !== undefined) return `setHeaderRoute: ${step.setHeaderRoute.name ?? ''}`.trimEnd();
  if (step.setMirrorRoute !== undefined) return `setMirrorRoute: ${step.setMirrorRoute.name}`;
  if (step.plugin !== undefined) return `plugin: ${step.plugin.name}`;
  return 'invalid';
}

// ---------------------------------------------------------------------------------------------
// Step hash

/**
 * Argo's conditions.ComputeStepHash: FNV-1a of Go's JSON encoding of the steps, safe-encoded.
 * Reproducing Go's encoding (fields in struct order, omitempty rules, HTML escaping) keeps the
 * hash equal to the one Argo Rollouts wrote, so a Rollout taken over mid-update is not restarted
 * at step 0.
 */
export function stepsHash(steps: readonly CanaryStep[] | undefined): string {
  return safeEncodeString(String(fnv1a32(new TextEncoder().encode(goStepsJson(steps)))));
}

/** Go's json.Marshal of `[]CanaryStep` (a nil slice is `null`). */
export function goStepsJson(steps: readonly CanaryStep[] | undefined): string {
  if (steps === undefined) return 'null';
  return goJson(steps, { kind: 'slice', of: CANARY_STEP });
}

/** How a Go type encodes: enough of encoding/json for the types a canary step is made of. */
type GoType =
  | { kind: 'string' }
  | { kind: 'int' }
  | { kind: 'bool' }
  | { kind: 'intOrString' }
  | { kind: 'raw' }
  | { kind: 'ptr'; to: GoType }
  | { kind: 'slice'; of: GoType }
  | { kind: 'map'; of: GoType }
  | { kind: 'struct'; fields: GoField[] };

interface GoField {
  name: string;
  type: GoType;
  omitempty: boolean;
}

const str: GoType = { kind: 'string' };
const int: GoType = { kind: 'int' };
const bool: GoType = { kind: 'bool' };
const ptr = (to: GoType): GoType => ({ kind: 'ptr', to });
const slice = (of: GoType): GoType => ({ kind: 'slice', of });
const map = (of: GoType): GoType => ({ kind: 'map', of });
/** Fields in Go struct order; a trailing `?` marks `omitempty`. */
const struct = (...fields: Array<[string, GoType]>): GoType => ({
  kind: 'struct',
  fields: fields.map(([name, type]) => ({ name: name.replace(/\?$/, ''), type, omitempty: name.endsWith('?') })),
});

const STRING_MATCH = struct(['exact?', str], ['prefix?', str], ['regex?', str]);
const METADATA = struct(['labels?', map(str)], ['annotations?', map(str)]);
const DRY_RUN = struct(['metricName', str]);
const MEASUREMENT_RETENTION = struct(['metricName', str], ['limit', int]);
const ARGUMENT = struct(
  ['name', str],
  ['value?', str],
  ['valueFrom?', ptr(struct(['podTemplateHashValue?', ptr(str)], ['fieldRef?', ptr(struct(['fieldPath', str]))]))],
);
const ROLLOUT_ANALYSIS = struct(
  ['templates?', slice(struct(['templateName', str], ['clusterScope?', bool]))],
  ['args?', slice(ARGUMENT)],
  ['dryRun?', slice(DRY_RUN)],
  ['measurementRetention?', slice(MEASUREMENT_RETENTION)],
  // A pointer in RolloutAnalysis (left out when unset), a struct value in RolloutExperimentStep.
  ['analysisRunMetadata?', ptr(METADATA)],
);
const LABEL_SELECTOR = struct(
  ['matchLabels?', map(str)],
  ['matchExpressions?', slice(struct(['key', str], ['operator', str], ['values?', slice(str)]))],
);
const EXPERIMENT = struct(
  [
    'templates',
    slice(
      struct(
        ['name', str],
        ['specRef', str],
        ['replicas?', ptr(int)],
        ['metadata?', METADATA],
        ['selector?', ptr(LABEL_SELECTOR)],
        ['weight?', ptr(int)],
        ['service?', ptr(struct(['name?', str]))],
      ),
    ),
  ],
  ['duration?', str],
  [
    'analyses?',
    slice(struct(['name', str], ['templateName', str], ['clusterScope?', bool], ['args?', slice(ARGUMENT)], ['requiredForCompletion?', bool])),
  ],
  ['dryRun?', slice(DRY_RUN)],
  ['analysisRunMetadata?', METADATA],
  ['scaleDownDelaySeconds?', ptr(int)],
);
const CANARY_STEP = struct(
  ['setWeight?', ptr(int)],
  ['pause?', ptr(struct(['duration?', ptr({ kind: 'intOrString' })]))],
  ['experiment?', ptr(EXPERIMENT)],
  ['analysis?', ptr(ROLLOUT_ANALYSIS)],
  ['setCanaryScale?', ptr(struct(['weight?', ptr(int)], ['replicas?', ptr(int)], ['matchTrafficWeight?', bool]))],
  ['setHeaderRoute?', ptr(struct(['name?', str], ['match?', slice(struct(['headerName', str], ['headerValue', ptr(STRING_MATCH)]))]))],
  [
    'setMirrorRoute?',
    ptr(struct(['name', str], ['match?', slice(struct(['method?', ptr(STRING_MATCH)], ['path?', ptr(STRING_MATCH)], ['headers?', map(STRING_MATCH)]))], ['percentage?', ptr(int)])),
  ],
  ['plugin?', ptr(struct(['name', str], ['config?', { kind: 'raw' }]))],
);

/** encoding/json escapes HTML-significant characters and the JavaScript line separators. */
function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isEmpty(type: GoType, value: unknown): boolean {
  // A struct value is never empty to encoding/json, even when every field is.
  if (type.kind === 'struct') return false;
  if (value === undefined || value === null) return true;
  switch (type.kind) {
    case 'string':
      return value === '';
    case 'int':
      return value === 0;
    case 'bool':
      return value === false;
    case 'slice':
      return Array.isArray(value) && value.length === 0;
    case 'map':
      return typeof value === 'object' && Object.keys(value).length === 0;
    default:
      // Pointers and raw messages are empty only when nil.
      return false;
  }
}

function goJson(value: unknown, type: GoType): string {
  switch (type.kind) {
    case 'string':
      return goString(typeof value === 'string' ? value : '');
    case 'int':
      return String(typeof value === 'number' ? value : 0);
    case 'bool':
      return value === true ? 'true' : 'false';
    case 'intOrString':
      return typeof value === 'number' ? String(value) : goString(String(value ?? ''));
    case 'raw':
      return value === undefined || value === null ? 'null' : rawJson(value);
    case 'ptr':
      return value === undefined || value === null ? 'null' : goJson(value, type.to);
    case 'slice':
      return Array.isArray(value) ? `[${value.map((item) => goJson(item, type.of)).join(',')}]` : 'null';
    case 'map': {
      if (typeof value !== 'object' || value === null) return 'null';
      const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${goString(k)}:${goJson(v, type.of)}`).join(',')}}`;
    }
    case 'struct': {
      const obj = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
      const parts: string[] = [];
      for (const field of type.fields) {
        const member = obj[field.name];
        if (field.omitempty && isEmpty(field.type, member)) continue;
        parts.push(`${goString(field.name)}:${goJson(member, field.type)}`);
      }
      return `{${parts.join(',')}}`;
    }
  }
}

/** json.RawMessage is written compacted, in its own key order, with Go's string escaping. */
function rawJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(rawJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${goString(k)}:${rawJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'string') return goString(value);
  return JSON.stringify(value ?? null);
}
