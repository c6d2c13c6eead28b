// A notification template executed for one object: every compiled string of
// the template's tree becomes text, the rest stays as written. What each
// service reads from the result (message, email, slack, teams, webhook) is
// the shape Argo's notifications engine gives its services.
import type { NotificationTemplate, TemplateTree } from './config.ts';
import type { GoFunc } from './template/index.ts';

export type Rendered = string | number | boolean | null | Rendered[] | { [key: string]: Rendered };

export interface Notification {
  message: string;
  [section: string]: Rendered;
}

function goFunc(f: (...args: unknown[]) => unknown): GoFunc {
  return Object.assign(f, { goFunc: true as const });
}

/**
 * The variables a template sees, as Argo's rollouts controller builds them: the object under
 * `.rollout` (an AnalysisRun's events show the AnalysisRun there, as in Argo), `.time.Now` and
 * `.time.Parse` for `call`, and the notification Secret's keys under `.secrets`.
 */
export function templateVars(object: unknown, now: Date, secrets: Record<string, string>): Record<string, unknown> {
  return {
    rollout: object,
    time: { Now: goFunc(() => now), Parse: goFunc((s) => new Date(String(s))) },
    secrets,
  };
}

function renderTree(tree: TemplateTree, vars: unknown): Rendered {
  if (Array.isArray(tree)) return tree.map((t) => renderTree(t, vars));
  if (tree !== null && typeof tree === 'object') {
    if ('execute' in tree && typeof tree.execute === 'function') return tree.execute(vars);
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, renderTree(v as TemplateTree, vars)]));
  }
  return tree;
}

/** Throws the template's error (naming the template) when a part of it fails to execute. */
export function renderNotification(template: NotificationTemplate, vars: unknown): Notification {
  const out = renderTree(template.tree, vars) as Record<string, Rendered>;
  return { ...out, message: typeof out.message === 'string' ? out.message : '' };
}

/** A section of a rendered notification as a string map, for a service to read its own fields. */
export function section(n: Notification, name: string): Record<string, Rendered> | undefined {
  const s = n[name];
  return s !== null && typeof s === 'object' && !Array.isArray(s) ? s : undefined;
}

export function text(v: Rendered | undefined): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}
