import { invalid, type FieldError } from '../../api/validation/field-error.ts';

/** What the apiserver answered when it refused a ReplicaSet rendered from the Rollout's template. */
export interface TemplateRefusal {
  /** metav1.Status message, e.g. `ReplicaSet in version "v1" cannot be handled as a ReplicaSet: quantities must match …`. */
  message: string;
  /** metav1.Status details.causes of a 422: the ReplicaSet's fields, which are the Rollout's (spec.template…). */
  causes: ReadonlyArray<{ field?: string; message?: string }>;
}

/** resource.Quantity's syntax, which the apiserver's decoder enforces before any validation runs. */
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

interface ContainerLike {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/**
 * The InvalidSpec field errors for a refused ReplicaSet. A 422 names its fields, and a ReplicaSet's
 * spec.template is the Rollout's. A 400 (the body could not be decoded) names none: the one value
 * the decoder refuses in a pod template is a malformed quantity, so the first such value is named,
 * else the template as a whole.
 */
export function rejectedTemplateErrors(template: unknown, refusal: TemplateRefusal): FieldError[] {
  const named = refusal.causes.filter((cause) => cause.field);
  if (named.length > 0) return named.map((cause) => ({ field: cause.field!, message: cause.message || refusal.message }));
  const bad = malformedQuantity(template);
  if (bad) return [invalid(bad.field, bad.value, refusal.message)];
  return [{ field: 'spec.template', message: refusal.message }];
}

function malformedQuantity(template: unknown): { field: string; value: unknown } | undefined {
  const spec = (template as { spec?: { containers?: ContainerLike[]; initContainers?: ContainerLike[]; overhead?: Record<string, unknown> } } | undefined)?.spec;
  if (!spec) return undefined;
  const lists: Array<[string, ContainerLike[] | undefined]> = [['initContainers', spec.initContainers], ['containers', spec.containers]];
  for (const [list, containers] of lists) {
    for (const [i, container] of (Array.isArray(containers) ? containers : []).entries()) {
      for (const kind of ['requests', 'limits'] as const) {
        const found = firstMalformed(container?.resources?.[kind], `spec.template.spec.${list}[${i}].resources.${kind}`);
        if (found) return found;
      }
    }
  }
  return firstMalformed(spec.overhead, 'spec.template.spec.overhead');
}

function firstMalformed(quantities: Record<string, unknown> | undefined, path: string): { field: string; value: unknown } | undefined {
  for (const [name, value] of Object.entries(quantities ?? {})) {
    if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string' || !QUANTITY.test(value.trim())) return { field: `${path}.${name}`, value };
  }
  return undefined;
}
