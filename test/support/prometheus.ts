// Runs a real Prometheus (Debian's /usr/bin/prometheus) on a free loopback
// port, scraping one loopback target every second, for integration tests.
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnServer } from './server-process.ts';

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
  const server = spawnServer(
    PROMETHEUS_BINARY,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    dir,
  );
  const { stop } = server;

  try {
    await waitForTargetUp(url, job, options.startTimeoutMs ?? 30_000, () => server.child.exitCode !== null);
  } catch (err) {
    await stop();
    throw new Error(`Prometheus did not start scraping ${options.target}: ${(err as Error).message}\n${server.logs()}`, { cause: err });
  }
  return { url, stop, logs: server.logs };
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
