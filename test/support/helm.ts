import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { ensureHelm } from '../cluster/cluster.ts';
import { repoRoot } from '../cluster/layout.ts';

/** The chart under test, relative to the repository. */
export const CHART = 'install/helm/ramp';

let helmPath: string | undefined;

/** Runs the helm built from the Go module proxy (built on first use); throws with its output when it fails. */
export function helm(...args: string[]): string {
  helmPath ??= ensureHelm();
  // No repository config, cache or plugins of the user's: a HELM_* home under .ramp/.
  const home = `${repoRoot}/.ramp/helm`;
  const env = { ...process.env, HELM_CONFIG_HOME: `${home}/config`, HELM_CACHE_HOME: `${home}/cache`, HELM_DATA_HOME: `${home}/data` };
  const result = spawnSync(helmPath, args, { cwd: repoRoot, encoding: 'utf8', env, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`helm ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface Rendering {
  /** `helm template`'s output, as kubectl would apply it. */
  yaml: string;
  objects: RenderedObject[];
}

/** `helm template <release> install/helm/ramp --namespace <ns> --set …`, parsed. */
export function renderChart(release: string, namespace: string, set: Record<string, string | number | boolean> = {}): Rendering {
  const sets = Object.entries(set).flatMap(([key, value]) => ['--set', `${key}=${String(value)}`]);
  const yaml = helm('template', release, CHART, '--namespace', namespace, ...sets);
  const objects = parseAllDocuments(yaml)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`helm template rendered invalid YAML: ${doc.errors[0]!.message}`);
      return doc.toJSON() as RenderedObject | null;
    })
    .filter((o): o is RenderedObject => o !== null);
  return { yaml, objects };
}

/** The one rendered object of `kind` named `name`; the failure lists what was rendered. */
export function objectOf<T = RenderedObject>(rendering: Rendering, kind: string, name: string): T & RenderedObject {
  const found = rendering.objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name} in the rendering, found ${found.length}; rendered: ${rendering.objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return found[0] as T & RenderedObject;
}
