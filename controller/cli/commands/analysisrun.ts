import type { Command } from 'commander';
import { buildAnalysisRun } from '../../analysis/build.ts';
import { composeTemplates, type TemplateRef } from '../../analysis/compose.ts';
import type { AnalysisRun, AnalysisTemplate, Argument, ClusterAnalysisTemplate } from '../../analysis/types.ts';
import { validateAnalysisTemplate } from '../../api/index.ts';
import { INSTANCE_ID_LABEL } from '../../api/labels.ts';
import type { KubeVerbs } from '../../kube/client.ts';
import { KubeApiError } from '../../kube/errors.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, CLUSTER_ANALYSIS_TEMPLATES } from '../../kube/resources.ts';
import type { CliEnv } from '../context.ts';
import { CliError } from '../errors.ts';
import { connect, guard } from './common.ts';
import { parseManifest, readManifest } from './files.ts';

/** `create analysisrun` and `terminate analysisrun`, as Argo's kubectl plugin has them. */

interface CreateRunOptions {
  from?: string;
  fromFile?: string;
  global?: boolean;
  argument: string[];
  name?: string;
  generateName?: string;
  instanceId?: string;
}

/** `-a NAME=VALUE` flags as arguments; the value may itself hold `=`. */
export function parseArgFlags(flags: readonly string[]): Argument[] {
  return flags.map((flag) => {
    const eq = flag.indexOf('=');
    if (eq < 0) throw new CliError(`arguments must be in the form NAME=VALUE, got "${flag}"; e.g. -a service-name=checkout`);
    return { name: flag.slice(0, eq), value: flag.slice(eq + 1) };
  });
}

type Template = AnalysisTemplate | ClusterAnalysisTemplate;

/**
 * The AnalysisRun for a template and the templates it composes: its metrics, args (the given values
 * filling the template's), dryRun and measurementRetention, named `--name`, else `--generate-name`,
 * else `<template>-` generated; the template's labels and annotations carried over.
 */
export function analysisRunFromTemplate(
  template: Template,
  composed: { templates: AnalysisTemplate[]; clusterTemplates: ClusterAnalysisTemplate[] },
  args: readonly Argument[],
  opts: Pick<CreateRunOptions, 'name' | 'generateName' | 'instanceId'> & { namespace: string },
): AnalysisRun {
  const templateName = template.metadata?.name ?? '';
  const name = opts.name || undefined;
  const generateName = name ? undefined : opts.generateName || `${templateName}-`;
  if (!name && generateName === '-') throw new CliError('name is invalid: the template has no metadata.name; name the run with --name or --generate-name');
  const labels = { ...template.metadata?.labels, ...(opts.instanceId ? { [INSTANCE_ID_LABEL]: opts.instanceId } : {}) };
  const annotations = template.metadata?.annotations;
  let run: AnalysisRun;
  try {
    run = buildAnalysisRun({
      ...composed,
      args,
      ...(name ? { name } : {}),
      ...(generateName ? { generateName } : {}),
      namespace: opts.namespace,
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
    });
  } catch (err) {
    throw new CliError(`cannot make an AnalysisRun from "${templateName}": ${(err as Error).message}${/not resolved/.test((err as Error).message) ? '; give it with -a NAME=VALUE' : ''}`);
  }
  // Argo passes every given argument on when the template declares none.
  if (run.spec.args === undefined && args.length > 0) run.spec.args = args.map((a) => ({ ...a }));
  return run;
}

/** Reads the templates `refs` reach from the cluster, nested ones included; missing ones are left out. */
async function fetchReachable(client: KubeVerbs, namespace: string, refs: readonly TemplateRef[]) {
  const templates = new Map<string, AnalysisTemplate>();
  const clusterTemplates = new Map<string, ClusterAnalysisTemplate>();
  const pending = [...refs];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const ref = pending.shift()!;
    const name = ref.templateName ?? '';
    const key = `${ref.clusterScope ? 'c' : 'n'}/${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const kind = ref.clusterScope ? 'clusteranalysistemplate' : 'analysistemplate';
    const found = await guard({ kind, name, verb: 'get', ...(ref.clusterScope ? {} : { namespace }) }, async () => {
      try {
        return await client.get<Template>(ref.clusterScope ? CLUSTER_ANALYSIS_TEMPLATES : ANALYSIS_TEMPLATES, ref.clusterScope ? undefined : namespace, name);
      } catch (err) {
        if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
        throw err;
      }
    });
    if (found === undefined) continue;
    if (ref.clusterScope) clusterTemplates.set(name, found as ClusterAnalysisTemplate);
    else templates.set(name, found as AnalysisTemplate);
    pending.push(...(found.spec?.templates ?? []));
  }
  return { template: (n: string) => templates.get(n), clusterTemplate: (n: string) => clusterTemplates.get(n) };
}

async function readTemplate(env: CliEnv, client: KubeVerbs, namespace: string, opts: CreateRunOptions): Promise<Template> {
  if (opts.fromFile !== undefined) {
    const [doc, ...rest] = parseManifest(opts.fromFile, readManifest(env, opts.fromFile));
    if (doc === undefined) throw new CliError(`${opts.fromFile} holds no template`);
    if (rest.length > 0) throw new CliError(`${opts.fromFile} holds ${rest.length + 1} documents; --from-file takes one AnalysisTemplate or ClusterAnalysisTemplate`);
    const checked = validateAnalysisTemplate(doc);
    if (!checked.ok) {
      const [first] = checked.errors;
      throw new CliError(`${opts.fromFile}: the template is invalid: ${first?.field}: ${first?.message}; see every problem with: kubectl ramp lint ${opts.fromFile}`);
    }
    return checked.template as Template;
  }
  const name = opts.from ?? '';
  const global = opts.global === true;
  const kind = global ? 'clusteranalysistemplate' : 'analysistemplate';
  return guard({ kind, name, verb: 'get', ...(global ? {} : { namespace }) }, () => client.get<Template>(global ? CLUSTER_ANALYSIS_TEMPLATES : ANALYSIS_TEMPLATES, global ? undefined : namespace, name));
}

export function addAnalysisRunCommands(program: Command, env: CliEnv): void {
  const create = program.commands.find((c) => c.name() === 'create');
  if (create === undefined) throw new Error('the create command must be added first');
  create
    .command('analysisrun')
    .alias('ar')
    .description('Create an AnalysisRun from an AnalysisTemplate or a ClusterAnalysisTemplate (in the cluster or in a file)')
    .option('--from <template>', 'an AnalysisTemplate (or, with --global, a ClusterAnalysisTemplate) in the cluster')
    .option('--from-file <file>', 'an AnalysisTemplate or ClusterAnalysisTemplate in a local file')
    .option('--global', 'use a ClusterAnalysisTemplate instead of an AnalysisTemplate')
    .option('-a, --argument <name=value>', 'an argument of the template (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--name <name>', 'the name of the run')
    .option('--generate-name <prefix>', 'the generateName of the run (default: the template name and "-")')
    .option('--instance-id <id>', 'the controller instance that runs it (the controller-instance-id label)')
    .action(async (opts: CreateRunOptions, cmd: Command) => {
      if ((opts.from !== undefined) === (opts.fromFile !== undefined)) {
        throw new CliError('one of --from or --from-file must be specified; e.g. kubectl ramp create analysisrun --from success-rate -a service-name=checkout');
      }
      const args = parseArgFlags(opts.argument);
      const { client, namespace } = connect(env, cmd);
      const template = await readTemplate(env, client, namespace, opts);
      const lookup = await fetchReachable(client, namespace, template.spec?.templates ?? []);
      const inner = composeTemplates(template.spec?.templates ?? [], lookup);
      const missing = inner.missing[0];
      if (missing) {
        const kind = missing.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
        throw new CliError(`${kind} "${missing.templateName ?? ''}" (named in spec.templates of "${template.metadata?.name ?? ''}") not found${missing.clusterScope ? '' : ` in namespace "${namespace}"`}; create it first`);
      }
      const self = template.metadata?.name ?? '';
      const global = opts.global === true;
      // The template itself comes first among its kind, then those it composes (Argo's order), each once.
      const composed = {
        templates: [...(global ? [] : [template as AnalysisTemplate]), ...inner.templates.filter((t) => global || t.metadata?.name !== self)],
        clusterTemplates: [...(global ? [template as ClusterAnalysisTemplate] : []), ...inner.clusterTemplates.filter((t) => !global || t.metadata?.name !== self)],
      };
      const run = analysisRunFromTemplate(template, composed, args, { namespace, ...opts });
      const created = await guard({ kind: 'analysisrun', name: run.metadata.name ?? run.metadata.generateName ?? '', namespace, verb: 'create' }, () => client.create(ANALYSIS_RUNS, run));
      env.io.out(`analysisrun.argoproj.io/${created.metadata?.name ?? ''} created\n`);
    });

  program
    .command('terminate')
    .description('Terminate an AnalysisRun or an Experiment that is in progress')
    .command('analysisrun')
    .aliases(['ar', 'analysisruns'])
    .argument('<names...>', 'AnalysisRun names')
    .description('Terminate AnalysisRuns (sets spec.terminate): their measurements stop and they end Successful unless a metric failed')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const { client, namespace } = connect(env, cmd);
      for (const name of names) {
        await guard({ kind: 'analysisrun', name, namespace, verb: 'patch' }, () => client.mergePatch(ANALYSIS_RUNS, namespace, name, { spec: { terminate: true } }));
        env.io.out(`analysisRun '${name}' terminated\n`);
      }
    });
}
