import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { validateAnalysisRun, validateAnalysisTemplate, validateRollout, type FieldError, type Rollout } from '../../api/index.ts';
import type { CliEnv } from '../context.ts';
import { CliError, describeReadError } from '../errors.ts';
import { lintText, renderLint } from '../lint/lint.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, CLUSTER_ANALYSIS_TEMPLATES, ROLLOUTS, type KubeObject, type ResourceType } from '../../kube/resources.ts';
import { planRollout } from '../plan/plan.ts';
import { renderPlan } from '../render/plan.ts';
import { connect, guard } from './common.ts';
import { machineFormat, MACHINE_FORMATS, OUTPUT_HELP, outputFormat, serialize } from '../render/output.ts';
import { watchRollout, watchRollouts } from './get.ts';

export function readManifest(env: CliEnv, path: string): string {
  try {
    return env.readFile(path);
  } catch (err) {
    throw new CliError(`cannot read "${path}": ${describeReadError(err)}`);
  }
}

/** The documents of a manifest file; a YAML error names the line and column. */
export function parseManifest(path: string, text: string): KubeObject[] {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const out: KubeObject[] = [];
  for (const doc of Array.isArray(docs) ? docs : []) {
    const [error] = doc.errors;
    if (error !== undefined) {
      const pos = error.linePos?.[0];
      throw new CliError(`${path}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${error.message.split('\n')[0]}; check it with: kubectl ramp lint ${path}`);
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value !== null && value !== undefined) out.push(value as KubeObject);
  }
  return out;
}

const CREATABLE: Record<string, { resource: ResourceType; singular: string; validate(obj: unknown): { ok: true } | { ok: false; errors: FieldError[] } }> = {
  Rollout: { resource: ROLLOUTS, singular: 'rollout', validate: validateRollout },
  AnalysisTemplate: { resource: ANALYSIS_TEMPLATES, singular: 'analysistemplate', validate: validateAnalysisTemplate },
  ClusterAnalysisTemplate: { resource: CLUSTER_ANALYSIS_TEMPLATES, singular: 'clusteranalysistemplate', validate: validateAnalysisTemplate },
  AnalysisRun: { resource: ANALYSIS_RUNS, singular: 'analysisrun', validate: validateAnalysisRun },
};

export function addFileCommands(program: Command, env: CliEnv): void {
  program
    .command('lint')
    .argument('[file]', 'manifest to check (YAML, several documents allowed)')
    .option('-f, --filename <file>', 'manifest to check (as Argo\'s lint -f)')
    .option('-o, --output <format>', `${OUTPUT_HELP}; the exit code is the same`)
    .description('Check Rollouts and analysis objects against the schema and the controller\'s rules, with line numbers')
    .action((file: string | undefined, opts: { filename?: string; output?: string }) => {
      const format = machineFormat(outputFormat(opts.output, MACHINE_FORMATS));
      const path = file ?? opts.filename;
      if (path === undefined) throw new CliError('lint needs a file: kubectl ramp lint FILE');
      const result = lintText(readManifest(env, path));
      env.io.out(format !== undefined ? serialize({ file: path, ...result }, format) : renderLint(path, result));
      if (result.issues.length > 0) throw new CliError(`${path}: ${result.issues.length} problem${result.issues.length === 1 ? '' : 's'} found`);
    });

  program
    .command('plan')
    .argument('<file>', 'manifest holding the Rollout')
    .option('--name <rollout>', 'which Rollout, when the file has several')
    .option('-o, --output <format>', OUTPUT_HELP)
    .description('Show, offline, the steps an update goes through: pods, traffic weights and service selectors')
    .action((file: string, opts: { name?: string; output?: string }) => {
      const format = machineFormat(outputFormat(opts.output, MACHINE_FORMATS));
      const objects = parseManifest(file, readManifest(env, file)).filter((o) => (o as { kind?: string }).kind === 'Rollout');
      const chosen = opts.name !== undefined ? objects.filter((o) => o.metadata?.name === opts.name) : objects;
      if (chosen.length === 0) throw new CliError(`${file} holds no Rollout${opts.name !== undefined ? ` named "${opts.name}"` : ''}`);
      if (chosen.length > 1) throw new CliError(`${file} holds ${chosen.length} Rollouts (${chosen.map((o) => o.metadata?.name).join(', ')}); pick one with --name`);
      const result = validateRollout(chosen[0]);
      if (!result.ok) {
        const [first] = result.errors;
        throw new CliError(`${file}: the Rollout is invalid: ${first?.field}: ${first?.message}; see every problem with: kubectl ramp lint ${file}`);
      }
      const plan = planRollout(result.rollout as Rollout);
      env.io.out(format !== undefined ? serialize(plan, format) : renderPlan(plan));
    });

  program
    .command('create')
    .option('-f, --filename <file>', 'manifest with Rollouts, AnalysisTemplates, ClusterAnalysisTemplates or AnalysisRuns (repeat for several files)', (file: string, files: string[] = []) => [...files, file])
    .option('-w, --watch', 'after creating, watch the Rollout created (several: their rows in list rollouts --watch)')
    .description('Create Rollouts and analysis objects from files, after checking every one of them')
    .action(async (opts: { filename?: string[]; watch?: boolean }, cmd: Command) => {
      // Not a required option: `create analysisrun` is a subcommand without -f.
      const files = opts.filename ?? [];
      if (files.length === 0) throw new CliError('create needs a file: kubectl ramp create -f FILE, or an AnalysisRun from a template: kubectl ramp create analysisrun --from TEMPLATE');
      // Every file is read and checked before anything is created: a bad second file creates nothing.
      const objects = files.flatMap((path) => checkedObjects(env, path));
      const { client, namespace } = connect(env, cmd);
      const rollouts: string[] = [];
      for (const obj of objects) {
        const creatable = CREATABLE[(obj as { kind: string }).kind]!;
        const ns = creatable.resource.namespaced ? (obj.metadata?.namespace ?? namespace) : undefined;
        const name = obj.metadata?.name ?? '';
        const created = await guard({ kind: creatable.singular, name, ...(ns !== undefined ? { namespace: ns } : {}), verb: 'create' }, () => client.create(creatable.resource, ns !== undefined ? { ...obj, metadata: { ...obj.metadata, namespace: ns } } : obj));
        env.io.out(`${creatable.singular}.argoproj.io/${created.metadata?.name ?? name} created\n`);
        if (creatable.resource === ROLLOUTS && ns === namespace) rollouts.push(created.metadata?.name ?? name);
      }
      if (!opts.watch) return;
      if (rollouts.length === 0) throw new CliError(`--watch watches Rollouts created in namespace "${namespace}"; ${files.join(', ')} created none there`);
      if (rollouts.length === 1) await watchRollout(env, cmd, client, namespace, rollouts[0]!);
      else await watchRollouts(env, client, namespace, rollouts);
    });
}

/** The objects of one manifest, each a kind create takes and valid; throws naming the file and document otherwise. */
function checkedObjects(env: CliEnv, path: string): KubeObject[] {
  const objects = parseManifest(path, readManifest(env, path));
  if (objects.length === 0) throw new CliError(`${path} holds no objects`);
  objects.forEach((obj, i) => {
    const kind = (obj as { kind?: string }).kind ?? '(no kind)';
    const apiVersion = (obj as { apiVersion?: string }).apiVersion ?? '(no apiVersion)';
    const creatable = CREATABLE[kind];
    if (creatable === undefined || !apiVersion.startsWith('argoproj.io/')) {
      throw new CliError(`${path}: document ${i + 1} is a ${apiVersion} ${kind}; create takes Rollout, AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun (use kubectl apply for other kinds)`);
    }
    const result = creatable.validate(obj);
    if (!result.ok) {
      const [first] = result.errors;
      throw new CliError(`${path}: ${kind} "${obj.metadata?.name ?? ''}" is invalid: ${first?.field}: ${first?.message}; see every problem with: kubectl ramp lint ${path}`);
    }
  });
  return objects;
}
