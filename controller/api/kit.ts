import { z } from 'zod';

/**
 * Building blocks shared by every kind. The CRD generator reads the metadata markers set here
 * (`x-kubernetes-int-or-string`, `x-kubernetes-preserve-unknown-fields`, `format`) to turn the
 * JSON Schema that zod emits into a structural OpenAPI schema.
 */

export const INT_OR_STRING = 'x-kubernetes-int-or-string';
export const PRESERVE_UNKNOWN = 'x-kubernetes-preserve-unknown-fields';

/** Kubernetes int32: Argo's counts, weights and seconds are all int32 in Go. */
export const int32 = () => z.int32().meta({ format: 'int32' });

/** Kubernetes int64 (limited to JavaScript's safe integers). */
export const int64 = () => z.int().meta({ format: 'int64' });

/** intstr.IntOrString: `5`, `"25%"`, `"30s"`, or a template argument such as `"{{args.count}}"`. */
export const intOrString = () => z.union([z.int(), z.string()]).meta({ [INT_OR_STRING]: true });
export type IntOrString = number | string;

/** metav1.Time: RFC 3339 in UTC, as the API server writes it. */
export const time = () => z.string().meta({ format: 'date-time' });

/** map[string]string such as labels and annotations. */
export const stringMap = () => z.record(z.string(), z.string());

/**
 * An object kept as written: free-form plugin configuration, provider settings this project does
 * not interpret, or a Kubernetes type owned by another API group.
 */
export const opaqueObject = () => z.record(z.string(), z.unknown()).meta({ [PRESERVE_UNKNOWN]: true });

/** metav1.ObjectMeta: the API server owns its schema, so only the fields read here are typed. */
export const ObjectMetaSchema = z
  .looseObject({
    name: z.string().optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    generation: z.int().optional(),
    creationTimestamp: z.string().optional(),
    deletionTimestamp: z.string().optional(),
    labels: stringMap().optional(),
    annotations: stringMap().optional(),
    ownerReferences: z.array(z.looseObject({})).optional(),
    finalizers: z.array(z.string()).optional(),
  })
  .meta({ [PRESERVE_UNKNOWN]: true });
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;

/** metav1.LabelSelector */
export const LabelSelectorRequirementSchema = z.strictObject({
  key: z.string(),
  operator: z.string(),
  values: z.array(z.string()).optional(),
});
export const LabelSelectorSchema = z.strictObject({
  matchLabels: stringMap().optional(),
  matchExpressions: z.array(LabelSelectorRequirementSchema).optional(),
});
export type LabelSelector = z.infer<typeof LabelSelectorSchema>;

/** PodTemplateMetadata: extra labels and annotations for canary, stable, preview or active pods. */
export const PodTemplateMetadataSchema = z.strictObject({
  labels: stringMap().optional(),
  annotations: stringMap().optional(),
});
export type PodTemplateMetadata = z.infer<typeof PodTemplateMetadataSchema>;

/** DurationString: a Go duration such as "30s", "5m", "1h30m". */
export const durationString = () => z.string();

/** A metav1.Time as the API server and Argo write it: RFC 3339, UTC, whole seconds. */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
