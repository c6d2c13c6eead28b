import { z } from 'zod';
import { stringify } from 'yaml';
import { AnalysisRunSpecSchema, AnalysisRunStatusSchema } from './analysisrun.ts';
import { ExperimentSpecSchema, ExperimentStatusSchema } from './experiment.ts';
import { AnalysisTemplateSpecSchema } from './metric.ts';
import { RolloutSpecSchema, RolloutStatusSchema } from './rollout.ts';
import { type JSONSchema, toStructural } from './structural.ts';

/**
 * CustomResourceDefinitions for argoproj.io/v1alpha1, generated from the zod schemas so the API
 * server, the types and the validation share one definition. Names, short names, scope,
 * subresources and printer columns are Argo Rollouts' own.
 */

export const GROUP = 'argoproj.io';
export const VERSION = 'v1alpha1';

interface PrinterColumn {
  name: string;
  type: 'integer' | 'string' | 'date';
  jsonPath: string;
  description: string;
}

interface KindDefinition {
  file: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  spec: z.ZodType;
  status?: z.ZodType;
  /**
   * Whether status is a subresource, exactly as in Argo's CRD: Rollouts have one, AnalysisRuns do
   * not (Argo writes a run's status with the object, which the apiserver would otherwise drop, so
   * Argo could not run analysis on a cluster that carries Ramp's CRDs).
   */
  statusSubresource: boolean;
  required: string[];
  printerColumns: PrinterColumn[];
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string };
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since resource was created' };

export const KINDS: readonly KindDefinition[] = [
  {
    file: 'rollout-crd.yaml',
    kind: 'Rollout',
    plural: 'rollouts',
    singular: 'rollout',
    shortNames: ['ro'],
    scope: 'Namespaced',
    spec: RolloutSpecSchema,
    status: RolloutStatusSchema,
    statusSubresource: true,
    required: ['spec'],
    printerColumns: [
      { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', description: 'Number of desired pods' },
      { name: 'Current', type: 'integer', jsonPath: '.status.replicas', description: 'Total number of non-terminated pods targeted by this rollout' },
      {
        name: 'Up-to-date',
        type: 'integer',
        jsonPath: '.status.updatedReplicas',
        description: 'Total number of non-terminated pods targeted by this rollout that have the desired template spec',
      },
      {
        name: 'Available',
        type: 'integer',
        jsonPath: '.status.availableReplicas',
        description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this rollout',
      },
      AGE,
    ],
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.HPAReplicas', labelSelectorPath: '.status.selector' },
  },
  {
    file: 'analysistemplate-crd.yaml',
    kind: 'AnalysisTemplate',
    plural: 'analysistemplates',
    singular: 'analysistemplate',
    shortNames: ['at'],
    scope: 'Namespaced',
    spec: AnalysisTemplateSpecSchema,
    statusSubresource: false,
    required: ['spec'],
    printerColumns: [AGE],
  },
  {
    file: 'clusteranalysistemplate-crd.yaml',
    kind: 'ClusterAnalysisTemplate',
    plural: 'clusteranalysistemplates',
    singular: 'clusteranalysistemplate',
    shortNames: ['cat'],
    scope: 'Cluster',
    spec: AnalysisTemplateSpecSchema,
    statusSubresource: false,
    required: ['spec'],
    printerColumns: [AGE],
  },
  {
    file: 'analysisrun-crd.yaml',
    kind: 'AnalysisRun',
    plural: 'analysisruns',
    singular: 'analysisrun',
    shortNames: ['ar'],
    scope: 'Namespaced',
    spec: AnalysisRunSpecSchema,
    status: AnalysisRunStatusSchema,
    statusSubresource: false,
    required: ['spec'],
    printerColumns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'AnalysisRun status' }, AGE],
  },
  {
    file: 'experiment-crd.yaml',
    kind: 'Experiment',
    plural: 'experiments',
    singular: 'experiment',
    shortNames: ['exp'],
    scope: 'Namespaced',
    spec: ExperimentSpecSchema,
    status: ExperimentStatusSchema,
    // As Argo's CRD: the status is written with the object.
    statusSubresource: false,
    required: ['spec'],
    printerColumns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'Experiment status' }, AGE],
  },
];

function jsonSchemaOf(schema: z.ZodType, where: string): JSONSchema {
  const raw = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'throw', reused: 'inline', cycles: 'throw' });
  return toStructural(raw as JSONSchema, where);
}

/** The openAPIV3Schema of one kind. */
export function openAPISchemaFor(def: KindDefinition): JSONSchema {
  const properties: JSONSchema = {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: jsonSchemaOf(def.spec, `${def.kind}.spec`),
  };
  if (def.status) properties.status = jsonSchemaOf(def.status, `${def.kind}.status`);
  return { type: 'object', properties, required: def.required };
}

export function crdFor(def: KindDefinition): JSONSchema {
  const subresources: JSONSchema = {};
  if (def.statusSubresource) subresources.status = {};
  if (def.scale) subresources.scale = def.scale;
  const version: JSONSchema = {
    name: VERSION,
    served: true,
    storage: true,
    additionalPrinterColumns: def.printerColumns,
    schema: { openAPIV3Schema: openAPISchemaFor(def) },
  };
  if (Object.keys(subresources).length > 0) version.subresources = subresources;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'ramp', 'app.kubernetes.io/part-of': 'ramp' },
    },
    spec: {
      group: GROUP,
      names: { kind: def.kind, listKind: `${def.kind}List`, plural: def.plural, singular: def.singular, shortNames: def.shortNames },
      scope: def.scope,
      versions: [version],
    },
  };
}

const HEADER = '# Generated by `npm run crds` from controller/api. Do not edit.\n';

/** Every file of crds/, keyed by file name, as `npm run crds` writes it. */
export function generateCrdFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const def of KINDS) files.set(def.file, HEADER + stringify(crdFor(def), { lineWidth: 0 }));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: KINDS.map((def) => def.file),
  };
  files.set('kustomization.yaml', HEADER + stringify(kustomization, { lineWidth: 0 }));
  return files;
}
