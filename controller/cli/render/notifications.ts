// The tables of `notifications template get` and `notifications trigger get|run`,
// as Argo's plugin (the notifications engine's tools) prints them, and the
// documents their -o json|yaml print: name → definition as written.
import { conditionSource, type NotificationConfig } from '../../notifications/config.ts';
import type { ConditionResult } from '../../notifications/manual.ts';
import { alignColumns } from './table.ts';

const PREVIEW_MAX = 100;

/** Argo's Notification.Preview: the message's first line, else the template as JSON; at most 100 characters. */
export function templatePreview(source: Record<string, unknown>): string {
  const message = typeof source.message === 'string' && source.message !== '' ? source.message : JSON.stringify(source);
  const first = message.split('\n')[0] ?? '';
  return first.length > PREVIEW_MAX ? `${first.slice(0, PREVIEW_MAX - 1)}...` : first;
}

function picked<T>(entries: Map<string, T>, name: string | undefined): Array<[string, T]> {
  return [...entries].filter(([n]) => name === undefined || n === name).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function templateDocument(config: NotificationConfig, name?: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(picked(config.templates, name).map(([n, t]) => [n, t.source]));
}

export function triggerDocument(config: NotificationConfig, name?: string): Record<string, Array<ReturnType<typeof conditionSource>>> {
  return Object.fromEntries(picked(config.triggers, name).map(([n, conditions]) => [n, conditions.map(conditionSource)]));
}

export function renderTemplateTable(config: NotificationConfig, name?: string): string {
  const rows = picked(config.templates, name).map(([n, t]) => `${n}\t${templatePreview(t.source)}`);
  return `${alignColumns(['NAME\tPREVIEW', ...rows]).join('\n')}\n`;
}

/** One line per condition; the trigger's name on its first only. */
export function renderTriggerTable(config: NotificationConfig, name?: string): string {
  const rows = picked(config.triggers, name).flatMap(([n, conditions]) => conditions.map((c, i) => `${i === 0 ? n : ''}\t${c.send.join(', ')}\t${c.when?.source ?? ''}`));
  return `${alignColumns(['NAME\tTEMPLATE\tCONDITION', ...rows]).join('\n')}\n`;
}

/** `trigger run`: CONDITION and RESULT (true or false), a line per condition. */
export function renderConditionResults(results: readonly ConditionResult[]): string {
  return `${alignColumns(['CONDITION\tRESULT', ...results.map((r) => `${r.when}\t${r.triggered}`)]).join('\n')}\n`;
}
