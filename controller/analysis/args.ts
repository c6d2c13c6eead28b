// Where argument values come from: literal values, Secrets (read through a
// port, only when a measurement is taken) and, on the Rollout side, fields of
// the Rollout and pod-template hashes.
import type { Argument } from './types.ts';

export interface SecretPort {
  // The Secret's data, base64-decoded; undefined when the Secret does not exist.
  get(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

export interface ResolvedArgs {
  args: Argument[];
  // Secret values, to be masked wherever measurement messages are recorded.
  secrets: string[];
}

export async function resolveSecretArgs(
  args: readonly Argument[] = [],
  namespace: string,
  secrets: SecretPort,
): Promise<ResolvedArgs> {
  const values = new Set<string>();
  const resolved: Argument[] = [];
  for (const arg of args) {
    const ref = arg.valueFrom?.secretKeyRef;
    if (ref === undefined) {
      resolved.push({ ...arg });
      continue;
    }
    const data = await secrets.get(namespace, ref.name);
    if (data === undefined) throw new Error(`secrets "${ref.name}" not found`);
    if (!Object.prototype.hasOwnProperty.call(data, ref.key)) {
      throw new Error(`key '${ref.key}' does not exist in secret '${ref.name}'`);
    }
    const value = data[ref.key]!;
    values.add(value);
    resolved.push({ name: arg.name, value });
  }
  return { args: resolved, secrets: [...values] };
}

// An argument as a Rollout passes it to its analysis (AnalysisRunArgument).
export interface RolloutAnalysisArgument {
  name: string;
  value?: string;
  valueFrom?: {
    podTemplateHashValue?: 'Stable' | 'Latest';
    fieldRef?: { fieldPath: string };
  };
}

export interface RolloutArgContext {
  rollout: unknown;
  stablePodHash?: string;
  latestPodHash?: string;
}

// Argo's BuildArgumentsForRolloutAnalysisRun: every argument ends up with a
// plain value taken from the Rollout or its ReplicaSets.
export function buildArgumentsForRollout(args: readonly RolloutAnalysisArgument[] = [], ctx: RolloutArgContext): Argument[] {
  return args.map((arg) => {
    let value = arg.value ?? '';
    const from = arg.valueFrom;
    if (from?.podTemplateHashValue === 'Latest') value = ctx.latestPodHash ?? '';
    else if (from?.podTemplateHashValue === 'Stable') value = ctx.stablePodHash ?? '';
    else if (from?.fieldRef) {
      try {
        value = from.fieldRef.fieldPath.startsWith('metadata')
          ? extractMetadataField(ctx.rollout, from.fieldRef.fieldPath)
          : extractValueFromRollout(ctx.rollout, from.fieldRef.fieldPath);
      } catch (err) {
        throw new Error(`argument "${arg.name}": ${(err as Error).message}`);
      }
    }
    return { name: arg.name, value };
  });
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

// Kubernetes' fieldpath.ExtractFieldPathAsString for the metadata paths.
export function extractMetadataField(object: unknown, fieldPath: string): string {
  const metadata = record(record(object)['metadata']);
  const subscript = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (subscript) return String(record(metadata[subscript[1]!])[subscript[2]!] ?? '');
  switch (fieldPath) {
    case 'metadata.name':
    case 'metadata.namespace':
    case 'metadata.uid':
      return String(metadata[fieldPath.slice('metadata.'.length)] ?? '');
    case 'metadata.labels':
    case 'metadata.annotations': {
      const map = record(metadata[fieldPath.slice('metadata.'.length)]);
      return Object.keys(map)
        .sort()
        .map((k) => `${k}=${JSON.stringify(String(map[k]))}`)
        .join('\n');
    }
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

// Argo's extractValueFromRollout: any path such as `spec.template.spec.containers[0].image`.
export function extractValueFromRollout(rollout: unknown, path: string): string {
  let current: unknown = JSON.parse(JSON.stringify(rollout ?? null));
  for (const section of path.split(/[.[\]]+/)) {
    if (section === '') continue;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(section)) throw new Error(`invalid index '${section}'`);
      const i = Number(section);
      if (i >= current.length) throw new Error(`index ${i} out of range`);
      current = current[i];
    } else if (typeof current === 'object' && current !== null) {
      current = (current as Record<string, unknown>)[section];
    } else {
      throw new Error(`invalid path ${path} in rollout`);
    }
  }
  if (current === null || current === undefined) throw new Error(`invalid path ${path} in rollout`);
  if (typeof current === 'object') throw new Error(`path ${path} in rollout must terminate in a primitive value`);
  return String(current);
}
