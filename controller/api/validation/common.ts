import { tryParseDuration } from '../duration.ts';
import type { IntOrString } from '../kit.ts';
import type { AntiAffinity } from '../canary.ts';
import type { AnalysisRunArgument, RolloutAnalysis } from '../analysis-ref.ts';
import { type FieldError, child, invalid, required } from './field-error.ts';
import {
  InvalidAnalysisArgsMessage,
  InvalidAntiAffinityStrategyMessage,
  InvalidAntiAffinityWeightMessage,
  InvalidPercentMessage,
  NonNegativeMessage,
} from './messages.ts';

const INT32_MAX = 2 ** 31 - 1;

/** apivalidation.ValidateNonnegativeField for each field that is set. */
export function nonNegative(path: string, fields: Record<string, number | undefined>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value < 0) errors.push(invalid(child(path, name), value, NonNegativeMessage));
  }
  return errors;
}

/** Kubernetes' IntOrString rule for maxSurge/maxUnavailable: an integer or "N%". */
export function validateIntOrPercent(path: string, value: IntOrString | undefined, maxPercent?: number): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return value < 0 ? [invalid(path, value, NonNegativeMessage)] : [];
  const match = /^([0-9]+)%$/.exec(value);
  if (!match) return [invalid(path, value, InvalidPercentMessage)];
  if (maxPercent !== undefined && Number(match[1]) > maxPercent) {
    return [invalid(path, value, `must not be greater than ${maxPercent}%`)];
  }
  return [];
}

/** The number behind an int-or-percent, as Argo's getIntOrPercentValue reads it (0 when unreadable). */
export function intOrPercentNumber(value: IntOrString): number {
  if (typeof value === 'number') return value;
  const match = /^([0-9]+)%$/.exec(value);
  if (match) return Number(match[1]);
  return /^-?\d+$/.test(value) ? Number(value) : 0;
}

export function validateAntiAffinity(antiAffinity: AntiAffinity | undefined, path: string): FieldError[] {
  if (!antiAffinity) return [];
  const errors: FieldError[] = [];
  const preferred = antiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
  const requiredRule = antiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  if ((preferred === undefined) === (requiredRule === undefined)) {
    const value = `antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: ${preferred !== undefined} antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: ${requiredRule !== undefined}`;
    errors.push(invalid(path, value, InvalidAntiAffinityStrategyMessage));
  }
  if (preferred && (preferred.weight < 1 || preferred.weight > 100)) {
    errors.push(invalid(child(path, 'weight'), preferred.weight, InvalidAntiAffinityWeightMessage));
  }
  return errors;
}

/** Paths fieldpath.ExtractFieldPathAsString accepts on object metadata (the downward API's set). */
const METADATA_FIELD_PATH = /^metadata\.(name|namespace|uid|labels|annotations|labels\['[^']*'\]|annotations\['[^']*'\])$/;

export function validateAnalysisArgs(args: readonly AnalysisRunArgument[] | undefined, path: string): FieldError[] {
  const errors: FieldError[] = [];
  (args ?? []).forEach((arg, i) => {
    const argPath = child(path, i);
    if (arg.name === '') errors.push(required(child(argPath, 'name')));
    const fieldPath = arg.valueFrom?.fieldRef?.fieldPath;
    if (fieldPath !== undefined && fieldPath.startsWith('metadata') && !METADATA_FIELD_PATH.test(fieldPath)) {
      errors.push(invalid(child(child(child(argPath, 'valueFrom'), 'fieldRef'), 'fieldPath'), fieldPath, InvalidAnalysisArgsMessage));
    }
  });
  return errors;
}

export function validateRolloutAnalysis(analysis: RolloutAnalysis | undefined, path: string): FieldError[] {
  if (!analysis) return [];
  const errors: FieldError[] = [];
  (analysis.templates ?? []).forEach((template, i) => {
    if (!template.templateName) errors.push(required(child(child(child(path, 'templates'), i), 'templateName')));
  });
  errors.push(...validateAnalysisArgs(analysis.args, child(path, 'args')));
  (analysis.measurementRetention ?? []).forEach((retention, i) => {
    errors.push(...nonNegative(child(child(path, 'measurementRetention'), i), { limit: retention.limit }));
  });
  return errors;
}

export type DurationCheck = { ok: true; seconds: number } | { ok: false; reason: string };

/** A pause duration: integer seconds or a Go duration string, positive and within int32 seconds. */
export function checkPauseDuration(value: IntOrString): DurationCheck {
  const seconds = tryParseDuration(value);
  if (seconds === undefined) return { ok: false, reason: 'invalid' };
  if (seconds < 0) return { ok: false, reason: 'negative' };
  if (seconds > INT32_MAX) return { ok: false, reason: 'too large' };
  return { ok: true, seconds: Math.trunc(seconds) };
}
