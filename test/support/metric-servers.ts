// Real Graphite and InfluxDB servers on free loopback ports, for the metric
// providers' integration tests. Graphite is Debian's graphite-web over whisper
// files the test writes (python3-whisper); InfluxDB is influxd 1.8 with Flux,
// built from the Go module proxy into the test cache (test/cluster/build.sh influxdb).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInfluxd } from '../cluster/cluster.ts';
import { freePort, spawnServer, type ServerProcess } from './server-process.ts';

// Debian's graphite-web and whisper are libraries of the system Python, not of any other on PATH.
const SYSTEM_PYTHON = '/usr/bin/python3';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
  logs(): string;
}

// Skips only on a developer machine without the packages; in CI a missing one fails the run.
export function graphiteSkipReason(): string | undefined {
  if (process.env['CI']) return undefined;
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import graphite, whisper, django'], { stdio: 'ignore' });
  if (probe.status === 0) return undefined;
  return 'graphite-web and python3-whisper are not installed (make setup installs them); skipping outside CI';
}

export function influxdbSkipReason(): string | undefined {
  if (process.env['CI'] || spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0) return undefined;
  return 'go is not installed: influxd is built from the Go module proxy; skipping outside CI';
}

async function waitUntilReady(name: string, url: string, server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) break;
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(`${name} did not start (${last})\n${server.logs()}`);
}

// Graphite's Django settings: Debian's, with storage, index and database in the test's directory.
const GRAPHITE_SETTINGS = `import os
from graphite.settings import *  # noqa: F401,F403
_root = os.environ['RAMP_GRAPHITE_DIR']
STORAGE_DIR = _root
WHISPER_DIR = os.path.join(_root, 'whisper')
STANDARD_DIRS = [WHISPER_DIR]
LOG_DIR = _root
INDEX_FILE = os.path.join(_root, 'index')
DATABASES = {'default': {'NAME': os.path.join(_root, 'graphite.db'), 'ENGINE': 'django.db.backends.sqlite3'}}
ALLOWED_HOSTS = ['*']
SECRET_KEY = 'ramp-integration-test'
`;

export interface RunningGraphite extends RunningServer {
  // Writes points (seconds since the epoch) into the whisper file of a dotted metric name, 10s resolution.
  write(metric: string, points: [number, number][]): void;
}

export async function startGraphite(): Promise<RunningGraphite> {
  const dir = await mkdtemp(join(tmpdir(), 'ramp-graphite-'));
  await writeFile(join(dir, 'ramp_graphite_settings.py'), GRAPHITE_SETTINGS);
  const env = { RAMP_GRAPHITE_DIR: dir, PYTHONPATH: dir, DJANGO_SETTINGS_MODULE: 'ramp_graphite_settings' };
  const migrate = spawnSync(SYSTEM_PYTHON, ['-m', 'django', 'migrate', '--run-syncdb', '-v0'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`graphite-web's database could not be created: ${migrate.stderr}`);
  const port = await freePort();
  const server = spawnServer(SYSTEM_PYTHON, ['-m', 'django', 'runserver', `127.0.0.1:${port}`, '--noreload'], dir, env);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady('graphite-web', `${url}/metrics/find?query=*`, server);
  const write = (metric: string, points: [number, number][]) => {
    const file = join(dir, 'whisper', ...metric.split('.')) + '.wsp';
    const script = [
      'import json, os, sys, whisper',
      'path, points = sys.argv[1], json.loads(sys.argv[2])',
      'os.makedirs(os.path.dirname(path), exist_ok=True)',
      'os.path.exists(path) or whisper.create(path, [(10, 8640)], xFilesFactor=0)',
      'whisper.update_many(path, [(t, v) for t, v in points])',
    ].join('\n');
    const result = spawnSync(SYSTEM_PYTHON, ['-c', script, file, JSON.stringify(points)], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`writing ${metric} failed: ${result.stderr}`);
  };
  return { url, stop: server.stop, logs: server.logs, write };
}

export interface RunningInfluxdb extends RunningServer {
  // Creates a database (Flux bucket `<db>/autogen`).
  createDatabase(name: string): Promise<void>;
  // Writes line protocol, timestamps in seconds.
  write(db: string, lines: string): Promise<void>;
}

export async function startInfluxdb(): Promise<RunningInfluxdb> {
  const influxd = ensureInfluxd();
  if (!existsSync(influxd)) throw new Error(`${influxd} was not built`);
  const dir = await mkdtemp(join(tmpdir(), 'ramp-influxdb-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const env = {
    INFLUXDB_HTTP_FLUX_ENABLED: 'true',
    INFLUXDB_HTTP_BIND_ADDRESS: `127.0.0.1:${httpPort}`,
    INFLUXDB_BIND_ADDRESS: `127.0.0.1:${rpcPort}`,
    INFLUXDB_DATA_DIR: join(dir, 'data'),
    INFLUXDB_DATA_WAL_DIR: join(dir, 'wal'),
    INFLUXDB_META_DIR: join(dir, 'meta'),
    INFLUXDB_REPORTING_DISABLED: 'true',
    INFLUXDB_HTTP_LOG_ENABLED: 'false',
  };
  const server = spawnServer(influxd, ['run', '-config', '/dev/null'], dir, env);
  const url = `http://127.0.0.1:${httpPort}`;
  await waitUntilReady('influxd', `${url}/ping`, server);
  const post = async (path: string, body: string, type: string) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });
    if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  };
  return {
    url,
    stop: server.stop,
    logs: server.logs,
    createDatabase: (name) => post('/query', new URLSearchParams({ q: `CREATE DATABASE "${name}"` }).toString(), 'application/x-www-form-urlencoded'),
    write: (db, lines) => post(`/write?db=${encodeURIComponent(db)}&precision=s`, lines, 'text/plain'),
  };
}
