import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { binDir } from '../../cluster/layout.ts';
import assert from 'node:assert/strict';
import { eventually, kubeconfigPath } from '../../support/cluster.ts';
import type { RolloutHelper, RolloutLike } from '../../support/rollouts.ts';
import { ensureBuilt } from '../../support/build.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const PLUGIN = join(repoRoot, 'bin/kubectl-ramp.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  kubeconfig?: string;
  namespace?: string;
  timeoutMs?: number;
}

/** The environment a user's shell would give the plugin, minus anything pointing at another cluster. */
function pluginEnv(): NodeJS.ProcessEnv {
  return { ...process.env, KUBECONFIG: '', NO_COLOR: '1' };
}

/** The argument list `kubectl ramp ARGS` runs with: the test cluster's kubeconfig and namespace first. */
export function pluginArgs(args: readonly string[], opts: CliOptions = {}): string[] {
  // The plugin runs compiled, from dist/.
  ensureBuilt();
  return [
    PLUGIN,
    `--kubeconfig=${opts.kubeconfig ?? kubeconfigPath()}`,
    ...(opts.namespace !== undefined ? ['-n', opts.namespace] : []),
    ...args,
  ];
}

/** Runs `kubectl ramp ARGS` as its own process and collects what it printed and its exit code. */
export function ramp(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return runProcess(process.execPath, pluginArgs(args, opts), opts.timeoutMs);
}

/** Runs a command-line program with the plugin environment, killed after `timeoutMs`. */
export function runProcess(command: string, args: readonly string[], timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: pluginEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The value of a summary field of `get rollout` ("Step:", "SetWeight:", …) as printed; kubectl
 * ramp and kubectl argo rollouts print the same summary.
 */
export function summaryField(text: string, label: string): string | undefined {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(`${label} `) || l.trimStart() === label);
  return line?.trimStart().slice(label.length).trim();
}

/** Like `ramp`, but fails (showing both streams) unless the command exits 0. */
export async function rampOk(args: readonly string[], opts: CliOptions = {}): Promise<string> {
  const result = await ramp(args, opts);
  if (result.code !== 0) {
    throw new Error(`kubectl ramp ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result.stdout;
}

/** The cluster's own kubectl (built with the control plane), for what the plugin does not create. */
export function kubectl(args: readonly string[], kubeconfig = kubeconfigPath()): string {
  const result = spawnSync(join(binDir(), 'kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], { encoding: 'utf8', env: pluginEnv() });
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** A temporary directory of manifests, removed when the test ends. */
export function manifestDir(t: { after: (fn: () => void) => void }): (file: string, ...docs: object[]) => string {
  const dir = mkdtempSync(join(tmpdir(), 'ramp-cli-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return (file, ...docs) => {
    const path = join(dir, file);
    writeFileSync(path, docs.map((doc) => stringify(doc)).join('---\n'));
    return path;
  };
}

/**
 * A command running in a detached tmux session of a fixed size: a real pseudo-terminal, so the
 * plugin sees a TTY and redraws in place. Each session gets its own tmux server (socket), so
 * the test never touches anyone else's tmux; `close` kills that server.
 */
export class TmuxPane {
  private constructor(
    private readonly socket: string,
    readonly session: string,
  ) {}

  static start(session: string, command: readonly string[], size: { columns: number; rows: number }): TmuxPane {
    const pane = new TmuxPane(`ramp-e2e-${session}`, session);
    const line = command.map(shellQuote).join(' ');
    // Set before the command runs: no status line (the pane is the whole size), the pane kept
    // readable if the command ends early, and no copying of a cleared screen into the history
    // (tmux's scroll-on-clear), so the history holds only lines that really scrolled away.
    const dir = mkdtempSync(join(tmpdir(), 'ramp-tmux-'));
    const config = join(dir, 'tmux.conf');
    writeFileSync(config, 'set -g status off\nsetw -g remain-on-exit on\nsetw -g scroll-on-clear off\n');
    try {
      pane.tmux(['-f', config, 'new-session', '-d', '-s', session, '-x', String(size.columns), '-y', String(size.rows), `exec env TERM=xterm-256color KUBECONFIG= NO_COLOR=1 ${line}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return pane;
  }

  /** The visible screen, one string per row (trailing blanks trimmed). */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', this.session]);
  }

  /** Everything the pane holds: the scrollback above the screen and the screen itself. */
  history(): string {
    return this.tmux(['capture-pane', '-p', '-S', '-', '-E', '-', '-t', this.session]);
  }

  /** Whether the command in the pane has exited. */
  dead(): boolean {
    return this.tmux(['display-message', '-p', '-t', this.session, '#{pane_dead}']).trim() === '1';
  }

  sendKeys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', this.session, ...keys]);
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { encoding: 'utf8' });
  }

  private tmux(args: readonly string[]): string {
    const result = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (result.error) throw new Error(`tmux ${args[0]} failed: ${result.error.message}; install tmux (scripts/setup.sh does)`);
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
    return result.stdout;
  }
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Healthy on its current template: the stable ReplicaSet is the newest one. */
export const healthyOn = (ro: RolloutLike): boolean => ro.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash;

/** Names of the pods of `app` that are not being deleted, read with the cluster's kubectl. */
export function livePods(ns: string, app: string): string[] {
  const list = JSON.parse(kubectl(['get', 'pods', '-n', ns, '-l', `app=${app}`, '-o', 'json'])) as { items: Array<{ metadata: { name: string; deletionTimestamp?: string } }> };
  return list.items.filter((p) => p.metadata.deletionTimestamp === undefined).map((p) => p.metadata.name);
}

/** Creation times (ms) of the pods of `app` that are not being deleted. */
function livePodCreations(ns: string, app: string): number[] {
  const list = JSON.parse(kubectl(['get', 'pods', '-n', ns, '-l', `app=${app}`, '-o', 'json'])) as { items: Array<{ metadata: { creationTimestamp: string; deletionTimestamp?: string } }> };
  return list.items.filter((p) => p.metadata.deletionTimestamp === undefined).map((p) => Date.parse(p.metadata.creationTimestamp));
}

/**
 * `restart --in 1h` then `restart` with either plugin (`run` runs it and returns stdout), as both
 * print and do it: spec.restartAt an hour ahead, then now; status.restartedAt records it once every
 * one of the `replicas` pods of `app` was replaced.
 */
export async function assertRestart(ro: RolloutHelper, ns: string, replicas: number, run: (args: string[]) => Promise<string>): Promise<void> {
  const before = Date.now();
  assert.equal(await run(['restart', 'app', '--in', '1h']), "rollout 'app' restarts in 1h\n");
  const later = Date.parse(String((await ro.get('app')).spec.restartAt));
  assert.ok(later >= before + 3_590_000 && later <= Date.now() + 3_600_000, `restart --in 1h set spec.restartAt an hour ahead, got ${new Date(later).toISOString()}`);
  const podsBefore = new Set(livePods(ns, 'app'));
  // spec.restartAt has whole seconds and a pod created in its second counts as restarted (Argo's
  // rule too), so the restart is sent once every pod is at least a second older.
  const newest = Math.max(...livePodCreations(ns, 'app'));
  await eventually('every pod created in an earlier second', async () => Date.now() >= Math.floor(newest / 1000) * 1000 + 1000 || undefined, 5_000, 100);
  assert.equal(await run(['restart', 'app']), "rollout 'app' restarts in 0s\n");
  const now = Date.parse(String((await ro.get('app')).spec.restartAt));
  assert.ok(now <= Date.now() && now >= before - 1000, 'restart set spec.restartAt to now');
  await ro.waitFor('app', 'the restart recorded in status.restartedAt, Healthy again', (r) => Date.parse(String(r.status?.restartedAt)) === now && healthyOn(r), 120_000);
  const podsAfter = await eventually('the evicted pods gone', async () => {
    const pods = livePods(ns, 'app');
    return pods.length === replicas ? pods : undefined;
  }, 60_000);
  assert.ok(podsAfter.every((name) => !podsBefore.has(name)), `every pod was replaced: before ${[...podsBefore].join(', ')}, after ${podsAfter.join(', ')}`);
}
