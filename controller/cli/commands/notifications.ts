import type { Command } from 'commander';
import { nodeHttp } from '../../http/client.ts';
import { sleep } from '../../kube/clock.ts';
import { KubeApiError } from '../../kube/errors.ts';
import { CONFIG_MAPS, ROLLOUTS, SECRETS, type KubeObject } from '../../kube/resources.ts';
import { NOTIFICATION_CONFIGMAP, NOTIFICATION_SECRET, parseConfig, secretText, type NotificationConfig } from '../../notifications/config.ts';
import { parseDestination, renderFor, runTrigger, sendTo } from '../../notifications/manual.ts';
import { nodeSmtp } from '../../notifications/services/smtp.ts';
import type { CliEnv, Connection } from '../context.ts';
import { CliError } from '../errors.ts';
import { renderConditionResults, renderTemplateTable, renderTriggerTable, templateDocument, triggerDocument } from '../render/notifications.ts';
import { serialize } from '../render/output.ts';
import { connect, guard } from './common.ts';
import { parseManifest, readManifest } from './files.ts';

/**
 * `notifications template get|notify` and `notifications trigger get|run`, as Argo's plugin has them
 * (the notifications engine's tools): the ConfigMap and Secret are read from the namespace of the
 * command (-n), or from files with --config-map and --secret, and parsed by the controller's own
 * reader, so what is listed is what the controller would use, Argo's built-in catalog included.
 */

interface SourceOptions {
  configMap?: string;
  secret?: string;
}

const OUTPUTS = ['wide', 'name', 'json', 'yaml'] as const;
type Output = (typeof OUTPUTS)[number];

function outputOf(value: string | undefined): Output {
  const v = value === undefined || value === '' ? 'wide' : value;
  if (!(OUTPUTS as readonly string[]).includes(v)) throw new CliError(`unknown output format "${value}"; use one of: ${OUTPUTS.join(', ')}`);
  return v as Output;
}

/** The one object of `kind` named `name` in a manifest file, as Argo's plugin looks it up. */
function fromFile(env: CliEnv, path: string, kind: string, name: string): KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> } {
  const found = parseManifest(path, readManifest(env, path)).find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new CliError(`file '${path}' does not have ${kind} ${name}`);
  return found;
}

class Source {
  private connection: Connection | undefined;
  constructor(
    private readonly env: CliEnv,
    private readonly cmd: Command,
  ) {}

  /** Connected on first use: with both files given, `get` needs no cluster. */
  get kube(): Connection {
    this.connection ??= connect(this.env, this.cmd);
    return this.connection;
  }

  private get options(): SourceOptions {
    return this.cmd.optsWithGlobals() as SourceOptions;
  }

  async configMapData(): Promise<Record<string, string>> {
    const path = this.options.configMap;
    if (path !== undefined) return (fromFile(this.env, path, 'ConfigMap', NOTIFICATION_CONFIGMAP).data ?? {}) as Record<string, string>;
    const { client, namespace } = this.kube;
    const cm = await guard({ kind: 'configmap', name: NOTIFICATION_CONFIGMAP, namespace, verb: 'get' }, () => client.get<KubeObject & { data?: Record<string, string> }>(CONFIG_MAPS, namespace, NOTIFICATION_CONFIGMAP));
    return cm.data ?? {};
  }

  /** `:empty` is no Secret, as in Argo's plugin; a Secret missing from the cluster is empty, as the controller reads it. */
  async secret(): Promise<Record<string, string>> {
    const path = this.options.secret;
    if (path === ':empty') return {};
    if (path !== undefined) return secretText(fromFile(this.env, path, 'Secret', NOTIFICATION_SECRET));
    const { client, namespace } = this.kube;
    return guard({ kind: 'secret', name: NOTIFICATION_SECRET, namespace, verb: 'get' }, async () => {
      try {
        return secretText(await client.get(SECRETS, namespace, NOTIFICATION_SECRET));
      } catch (err) {
        if (err instanceof KubeApiError && err.statusCode === 404) return {};
        throw err;
      }
    });
  }

  /** The configuration; keys that fail to parse are left out, each reported on stderr as the controller reports it. */
  async config(): Promise<{ config: NotificationConfig; secret: Record<string, string> }> {
    const data = await this.configMapData();
    const secret = await this.secret();
    const config = parseConfig(data, secret);
    for (const e of config.errors) this.env.io.err(`warning: ${NOTIFICATION_CONFIGMAP}: ${e}\n`);
    return { config, secret };
  }

  /** The configuration and the Rollout a template or trigger is tried against. */
  async withRollout(name: string): Promise<{ config: NotificationConfig; secret: Record<string, string>; rollout: KubeObject }> {
    const { config, secret } = await this.config();
    return { config, secret, rollout: await this.rollout(name) };
  }

  /** Argo's loadResource: a file of that name, else the Rollout of that name in the namespace. */
  async rollout(name: string): Promise<KubeObject> {
    let text: string | undefined;
    try {
      text = this.env.readFile(name);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code !== 'ENOENT' && code !== 'EISDIR') throw new CliError(`cannot read "${name}": ${(err as Error).message}`);
    }
    if (text !== undefined) {
      const [doc] = parseManifest(name, text);
      if (!doc) throw new CliError(`${name} holds no object`);
      return doc;
    }
    const { client, namespace } = this.kube;
    return guard({ kind: 'rollout', name, namespace, verb: 'get' }, () => client.get(ROLLOUTS, namespace, name));
  }
}

/** The notification modules' errors already say what is wrong; they are shown as they are. */
function worded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

function print(env: CliEnv, output: Output, document: Record<string, unknown>, table: string): void {
  if (output === 'json' || output === 'yaml') env.io.out(serialize(document, output));
  else if (output === 'name') env.io.out(Object.keys(document).map((n) => `${n}\n`).join(''));
  else env.io.out(table);
}

function known(what: string, names: Iterable<string>, name: string | undefined): void {
  const all = [...names];
  if (name !== undefined && !all.includes(name)) throw new CliError(`${what} ${name} is not configured; configured: ${all.sort().join(', ')}`);
}

const OUTPUT_FLAG_HELP = 'wide (a table), name, json or yaml (the definitions as written)';

/** `template get` and `trigger get`: one definition or all, as a table, names, or the definitions as written. */
function addGet(
  parent: Command,
  env: CliEnv,
  what: 'template' | 'trigger',
  names: (config: NotificationConfig) => Iterable<string>,
  document: (config: NotificationConfig, name?: string) => Record<string, unknown>,
  table: (config: NotificationConfig, name?: string) => string,
): void {
  parent
    .command('get')
    .argument('[name]', `one ${what} (default: all)`)
    .description(`Print the configured ${what}s (the built-in catalog included)`)
    .option('-o, --output <format>', OUTPUT_FLAG_HELP, 'wide')
    .action(async (name: string | undefined, opts: { output?: string }, cmd: Command) => {
      const output = outputOf(opts.output);
      const { config } = await new Source(env, cmd).config();
      known(what, names(config), name);
      print(env, output, document(config, name), table(config, name));
    });
}

export function addNotificationCommands(program: Command, env: CliEnv): void {
  const notifications = program
    .command('notifications')
    .description(`Inspect and try notification templates and triggers (${NOTIFICATION_CONFIGMAP} and ${NOTIFICATION_SECRET})`)
    .option('--config-map <file>', `a file holding the ${NOTIFICATION_CONFIGMAP} ConfigMap, instead of the one in the namespace`)
    .option('--secret <file>', `a file holding the ${NOTIFICATION_SECRET} Secret, instead of the one in the namespace; ":empty" for none`);

  const template = notifications.command('template').description('Notification templates');
  addGet(template, env, 'template', (config) => config.templates.keys(), templateDocument, renderTemplateTable);
  template
    .command('notify')
    .argument('<template>', 'the template')
    .argument('<rollout>', 'a Rollout in the namespace, or a file holding one')
    .description('Render a template against a Rollout and print it, or send it to --recipient service:recipient')
    .option('--recipient <service:recipient>', 'send through a configured service (repeatable); console:stdout prints', (v: string, acc: string[] | undefined) => [...(acc ?? []), v])
    .addHelpText('after', '\nExamples:\n  kubectl ramp notifications template notify rollout-completed guestbook\n  kubectl ramp notifications template notify rollout-completed guestbook --recipient slack:my-channel\n')
    .action(async (templateName: string, rolloutName: string, opts: { recipient?: string[] }, cmd: Command) => {
      const { config, secret, rollout } = await new Source(env, cmd).withRollout(rolloutName);
      const notification = worded(() => renderFor(config, templateName, rollout, secret, new Date(env.clock.now())));
      const deps = { http: nodeHttp, smtp: nodeSmtp, sleep: (ms: number, signal?: AbortSignal) => sleep(env.clock, ms, signal ?? env.signal) };
      for (const recipient of opts.recipient ?? ['console:stdout']) {
        const to = parseDestination(recipient);
        if (to.service === 'console') {
          env.io.out(serialize(notification, 'yaml'));
          continue;
        }
        try {
          await sendTo(config, notification, to, deps);
        } catch (err) {
          throw new CliError(`failed to notify '${recipient}': ${(err as Error).message}`);
        }
        env.io.err(`notification ${templateName} sent to ${recipient}\n`);
      }
    });

  const trigger = notifications.command('trigger').description('Notification triggers');
  addGet(trigger, env, 'trigger', (config) => config.triggers.keys(), triggerDocument, renderTriggerTable);
  trigger
    .command('run')
    .argument('<trigger>', 'the trigger')
    .argument('<rollout>', 'a Rollout in the namespace, or a file holding one')
    .description("Evaluate a trigger's conditions against a Rollout and print whether each holds")
    .action(async (triggerName: string, rolloutName: string, _opts: unknown, cmd: Command) => {
      const { config, rollout } = await new Source(env, cmd).withRollout(rolloutName);
      const results = worded(() => runTrigger(config, triggerName, rollout));
      for (const r of results) if (r.error) env.io.err(`warning: failed to evaluate "${r.when}": ${r.error}\n`);
      env.io.out(renderConditionResults(results));
    });
}
