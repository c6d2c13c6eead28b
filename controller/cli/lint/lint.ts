import { LineCounter, parseAllDocuments } from 'yaml';
import type { V1Ingress, V1Service } from '@kubernetes/client-node';
import {
  validateAnalysisRun,
  validateAnalysisTemplate,
  validateReferencedResources,
  validateRollout,
  RolloutSchema,
  type FieldError,
  type Rollout,
  type ServiceType,
  type ServiceWithType,
} from '../../api/index.ts';
import { locate, parseFieldPath } from './locate.ts';

export interface LintIssue {
  line: number;
  col: number;
  /** Field path, empty for YAML syntax errors. */
  field: string;
  message: string;
  /** The object the issue is about, as "Kind/name". */
  object?: string;
}

export interface LintResult {
  issues: LintIssue[];
  /** Every object of the file, as "Kind/name". */
  objects: string[];
}

interface ManifestObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}

const ARGO_GROUP = 'argoproj.io/';

function serviceRoles(ro: Rollout): [string | undefined, ServiceType][] {
  const { canary, blueGreen } = ro.spec.strategy;
  return [
    [blueGreen?.activeService, 'ActiveService'],
    [blueGreen?.previewService, 'PreviewService'],
    [canary?.canaryService, 'CanaryService'],
    [canary?.stableService, 'StableService'],
    [canary?.pingPong?.pingService, 'PingService'],
    [canary?.pingPong?.pongService, 'PongService'],
  ];
}

/**
 * Argo's `lint`: every Rollout, AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun of a
 * (multi-document) YAML file against the schema and the controller's semantic checks, plus the
 * Services and stable (NGINX) and ALB Ingresses of the same file a Rollout refers to; each issue with the line
 * and column of the field in the file.
 */
export function lintText(text: string): LintResult {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const issues: LintIssue[] = [];
  const objects: string[] = [];
  if (!Array.isArray(docs)) return { issues, objects };
  const rollouts: { rollout: Rollout; doc: (typeof docs)[number]; label: string }[] = [];
  const services = new Map<string, V1Service>();
  const ingresses = new Map<string, V1Ingress>();

  for (const doc of docs) {
    for (const error of doc.errors) {
      const pos = lines.linePos(error.pos[0]);
      issues.push({ line: pos.line, col: pos.col, field: '', message: `YAML: ${error.message.split('\n')[0]}` });
    }
    if (doc.errors.length > 0) continue;
    const value = doc.toJS({ maxAliasCount: 100 }) as ManifestObject | null;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      const pos = locate(doc, [], lines);
      issues.push({ ...pos, field: '', message: 'a manifest must be a mapping with apiVersion, kind and metadata' });
      continue;
    }
    const label = `${value.kind ?? '(no kind)'}/${value.metadata?.name ?? '(no name)'}`;
    objects.push(label);
    const report = (errors: readonly FieldError[]): void => {
      for (const e of errors) issues.push({ ...locate(doc, parseFieldPath(e.field), lines), field: e.field, message: e.message, object: label });
    };
    if (value.apiVersion?.startsWith(ARGO_GROUP)) {
      switch (value.kind) {
        case 'Rollout': {
          const result = validateRollout(value);
          if (!result.ok) report(result.errors);
          // Referenced objects are checked whenever the Rollout parses, even with other errors.
          const parsed = RolloutSchema.safeParse(value);
          if (parsed.success) rollouts.push({ rollout: parsed.data, doc, label });
          break;
        }
        case 'AnalysisTemplate':
        case 'ClusterAnalysisTemplate': {
          const result = validateAnalysisTemplate(value);
          if (!result.ok) report(result.errors);
          break;
        }
        case 'AnalysisRun': {
          const result = validateAnalysisRun(value);
          if (!result.ok) report(result.errors);
          break;
        }
        default:
          issues.push({ ...locate(doc, ['kind'], lines), field: 'kind', message: `${value.kind ?? '(none)'} is not checked: lint knows Rollout, AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun`, object: label });
      }
    } else if (value.kind === 'Service' && value.apiVersion === 'v1') {
      services.set(value.metadata?.name ?? '', value as V1Service);
    } else if (value.kind === 'Ingress' && value.apiVersion?.startsWith('networking.k8s.io/')) {
      ingresses.set(value.metadata?.name ?? '', value as V1Ingress);
    }
  }

  for (const { rollout, doc, label } of rollouts) {
    const refServices: ServiceWithType[] = [];
    for (const [name, type] of serviceRoles(rollout)) {
      const service = name !== undefined ? services.get(name) : undefined;
      if (service !== undefined) refServices.push({ type, service });
    }
    const { nginx, alb } = rollout.spec.strategy.canary?.trafficRouting ?? {};
    const ingressNames = [nginx?.stableIngress, ...(nginx?.stableIngresses ?? []), alb?.ingress, ...(alb?.ingresses ?? [])].filter((n): n is string => n !== undefined);
    const refIngresses = ingressNames.map((n) => ingresses.get(n)).filter((i): i is V1Ingress => i !== undefined);
    for (const e of validateReferencedResources(rollout, { services: refServices, ingresses: refIngresses })) {
      issues.push({ ...locate(doc, parseFieldPath(e.field), lines), field: e.field, message: e.message, object: label });
    }
  }
  issues.sort((a, b) => a.line - b.line || a.col - b.col);
  return { issues, objects };
}

/** Lint output: `file:line:col: field: message`, one issue a line, as compilers print. */
export function renderLint(file: string, result: LintResult): string {
  if (result.issues.length === 0) {
    return `${file}: no problems found in ${result.objects.length} object${result.objects.length === 1 ? '' : 's'}${result.objects.length > 0 ? ` (${result.objects.join(', ')})` : ''}\n`;
  }
  return result.issues.map((i) => `${file}:${i.line}:${i.col}: ${i.field !== '' ? `${i.field}: ` : ''}${i.message}\n`).join('');
}
