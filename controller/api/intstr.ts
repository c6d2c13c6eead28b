import type { IntOrString } from './kit.ts';

/**
 * Kubernetes intstr.GetScaledValueFromIntOrPercent: an integer is taken as is, "N%" is N percent
 * of `total`, rounded up or down. Anything else is an error naming the value.
 */
export function resolveIntOrPercent(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`invalid value ${value}: must be an integer or a percentage`);
    return value;
  }
  if (!value.endsWith('%')) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage: "${value}"`);
  const percent = /^(-?\d+)%$/.exec(value);
  if (!percent) throw new Error(`invalid value for IntOrString: invalid value "${value}": not an integer percentage`);
  const scaled = (Number(percent[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** True for a value resolveIntOrPercent accepts. */
export function isIntOrPercent(value: IntOrString): boolean {
  return typeof value === 'number' ? Number.isInteger(value) : /^-?\d+%$/.test(value);
}

/** Kubernetes' IntOrString.IntValue(): an integer as is, a string that is not one counts as 0. */
export function intValue(value: IntOrString | undefined): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return Math.trunc(value);
  const n = Number.parseInt(value, 10);
  return /^[+-]?\d+$/.test(value.trim()) && Number.isFinite(n) ? n : 0;
}
