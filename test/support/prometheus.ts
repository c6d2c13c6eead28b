// Runs a real Prometheus (Debian's /usr/bin/prometheus) on a free loopback
// port, scraping one loopback target every second, for integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

// Tests skip only on a developer machine without Prometheus; in CI a missing
// binary must fail the run rather than pass it silently.
export function prometheusSkipReason(): string | undefined {
  if (existsSync(PROMETHEUS_BINARY) || process.env['CI']) return undefined;
  return `${PROMETHEUS_BINARY} is not installed (apt-get install -y --no-install-recommends prometheus); skipping outside CI`;
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
  logs(): string;
}

export interface PrometheusOptions {
  // host:port of the target to scrape at /metrics.
  target: string;
  job?: string;
  startTimeoutMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  if (!existsSync(PROMETHEUS_BINARY)) {
    throw new Error(`${PROMETHEUS_BINARY} not found: install it with apt-get install -y --no-install-recommends prometheus`);
  }
  const job = options.job ?? 'fixture';
  const dir = await mkdtemp(join(tmpdir(), 'ramp-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      `  - job_name: ${job}`,
      '    scrape_interval: 1s',
      '    static_configs:',
      `      - targets: ['${options.target}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForTargetUp(url, job, options.startTimeoutMs ?? 30_000, () => child.exitCode !== null);
  } catch (err) {
    await stop();
    throw new Error(`Prometheus did not start scraping ${options.target}: ${(err as Error).message}\n${output}`, { cause: err });
  }
  return { url, stop, logs: () => output };
}

async function waitForTargetUp(url: string, job: string, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited()) throw new Error('prometheus exited');
    try {
      const res = await fetch(`${url}/api/v1/targets`);
      const body = (await res.json()) as { data?: { activeTargets?: { labels?: { job?: string }; health?: string }[] } };
      const target = body.data?.activeTargets?.find((t) => t.labels?.job === job);
      if (target?.health === 'up') return;
      last = `target health ${target?.health ?? 'missing'}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms (${last})`);
}
