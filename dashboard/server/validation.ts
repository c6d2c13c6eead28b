import { z } from 'zod';
import { ACTIONS } from '../shared/api.ts';
import { HttpError } from './errors.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const NamespaceSchema = z
  .string()
  .max(63, 'a namespace has at most 63 characters')
  .regex(DNS_LABEL, 'a namespace is lower-case letters, digits and "-", starting and ending with a letter or digit');

function objectNameSchema(kind: string) {
  return z
    .string()
    .max(253, `${kind} name has at most 253 characters`)
    .regex(DNS_SUBDOMAIN, `${kind} name is lower-case letters, digits, "-" and ".", starting and ending with a letter or digit`);
}

export const RolloutNameSchema = objectNameSchema('a rollout');

export const RolloutParamsSchema = z.object({ namespace: NamespaceSchema, name: RolloutNameSchema });

export const ExperimentParamsSchema = z.object({ namespace: NamespaceSchema, name: objectNameSchema('an experiment') });

export const ActionParamsSchema = RolloutParamsSchema.extend({
  action: z.enum(ACTIONS, { error: `unknown action; use one of: ${ACTIONS.join(', ')}` }),
});

export const ListQuerySchema = z.object({ namespace: NamespaceSchema.optional() });

/** One line naming each refused field: `namespace: a namespace is lower-case …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Parses `value` or throws a 400 naming what was wrong. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string, hint?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new HttpError(400, `invalid ${what}: ${describeIssues(result.error)}`, hint);
}
