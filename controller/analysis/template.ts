// `{{args.name}}` substitution, as Argo's utils/template does it: every
// `{{...}}` tag must name a supplied argument, and whitespace inside the
// braces is ignored.
import type { Argument, Metric } from './types.ts';

export function resolveArgs(template: string, args: readonly Argument[] = []): string {
  const values = new Map<string, string>();
  for (const arg of args) {
    if (arg.value === undefined || arg.value === null) throw new Error(`argument "${arg.name}" was not supplied`);
    values.set(`args.${arg.name}`, arg.value);
  }
  return resolveTags(template, values);
}

/** Substitutes every `{{tag}}` from `values`; a tag without a value is an error naming it. */
export function resolveTags(template: string, values: ReadonlyMap<string, string>): string {
  let out = '';
  let i = 0;
  let unresolved: string | undefined;
  for (;;) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      out += template.slice(i);
      break;
    }
    const close = template.indexOf('}}', open + 2);
    if (close < 0) {
      const rest = template.slice(open + 2);
      throw new Error(`Cannot find end tag="}}" in the template=${JSON.stringify(template)} starting from ${JSON.stringify(rest)}`);
    }
    out += template.slice(i, open);
    const tag = template.slice(open + 2, close);
    const value = values.get(tag.trim());
    if (value === undefined) unresolved = `failed to resolve {{${tag}}}`;
    else out += value;
    i = close + 2;
  }
  if (unresolved !== undefined) throw new Error(unresolved);
  return out;
}

// For text that is itself JSON: the values are escaped as a JSON string body
// so quotes and newlines in an argument cannot break the document.
export function resolveQuotedArgs(template: string, args: readonly Argument[] = []): string {
  const quoted = args.map((arg) => {
    if (arg.value === undefined || arg.value === null) return { name: arg.name };
    return { name: arg.name, value: JSON.stringify(arg.value).slice(1, -1) };
  });
  return resolveArgs(template, quoted);
}

// Substitutes args everywhere in a metric (queries, URLs, headers, job specs,
// conditions), as Argo's ResolveMetricArgs does through the metric's JSON.
export function resolveMetricArgs(metric: Metric, args: readonly Argument[] = []): Metric {
  return JSON.parse(resolveQuotedArgs(JSON.stringify(metric), args)) as Metric;
}
