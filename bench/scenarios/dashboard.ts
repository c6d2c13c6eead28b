/**
 * The dashboard with many rollouts: JSON API latency, the delay from an apiserver change to its
 * event on the list stream, and the page load in headless Chromium (launched as
 * test/e2e/dashboard-browser.test.ts launches it).
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { ROLLOUTS } from '../../controller/kube/resources.ts';
import { startDashboard } from '../../dashboard/server/start.ts';
import type { RolloutSummary } from '../../dashboard/shared/api.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import type { BenchCluster, Say } from '../support/env.ts';
import type { Figure } from '../support/report.ts';
import { summarize } from '../support/stats.ts';
import { takeSseEvents } from '../../test/support/sse.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface DashboardBenchOptions {
  requests: number;
  streamChanges: number;
  pageLoads: number;
}

/** An open event stream; `next` resolves with the time the first matching event arrives. */
class EventStream {
  private readonly abort = new AbortController();
  private readonly waiters = new Set<(event: string, data: unknown) => void>();

  static async open(url: string): Promise<EventStream> {
    const stream = new EventStream();
    const res = await fetch(url, { signal: stream.abort.signal, headers: { Accept: 'text/event-stream' } });
    if (res.status !== 200 || !res.body) throw new Error(`bench: GET ${url} answered ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          const { events, rest } = takeSseEvents(buffer + value);
          buffer = rest;
          for (const { event, data } of events) for (const w of [...stream.waiters]) w(event, data);
        }
      } catch {
        /* closed */
      }
    })();
    return stream;
  }

  next(what: string, match: (event: string, data: unknown) => boolean, timeoutMs = 30_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const waiter = (event: string, data: unknown): void => {
        if (!match(event, data)) return;
        this.waiters.delete(waiter);
        clearTimeout(timer);
        resolve(performance.now());
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`bench: no ${what} on the event stream within ${timeoutMs / 1000}s`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  close(): void {
    this.abort.abort();
  }
}

async function timed(url: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = await res.arrayBuffer();
  if (!res.ok) throw new Error(`bench: GET ${url} answered ${res.status}`);
  return { ms: performance.now() - t0, bytes: body.byteLength };
}

export async function runDashboard(cluster: BenchCluster, namespace: string, names: string[], opts: DashboardBenchOptions, say: Say): Promise<Figure[]> {
  const figures: Figure[] = [];
  const at = `${names.length} rollouts`;
  const t0 = performance.now();
  const dashboard = await startDashboard({ kubeConfig: loadKubeConfig({ kind: 'files', paths: [cluster.kubeconfig] }), namespace, port: 0, readOnly: true, say: () => undefined });
  figures.push({ section: 'dashboard', name: `start-up, informers synced (${at})`, value: (performance.now() - t0) / 1000, unit: 's', note: 'includes a web build when stale' });
  try {
    const list = new URL('api/v1/rollouts', dashboard.url).toString();
    const detail = new URL(`api/v1/namespaces/${namespace}/rollouts/${names[0]}`, dashboard.url).toString();
    const listTimes: number[] = [];
    let listBytes = 0;
    for (let i = 0; i < opts.requests; i++) {
      const r = await timed(list);
      listTimes.push(r.ms);
      listBytes = r.bytes;
    }
    const detailTimes: number[] = [];
    for (let i = 0; i < opts.requests; i++) detailTimes.push((await timed(detail)).ms);
    const l = summarize(listTimes);
    const d = summarize(detailTimes);
    figures.push(
      { section: 'dashboard', name: `GET /api/v1/rollouts p50 (${at})`, value: l.p50, unit: 'ms', note: `n=${l.n}, ${Math.round(listBytes / 1024)} KiB` },
      { section: 'dashboard', name: `GET /api/v1/rollouts p99 (${at})`, value: l.p99, unit: 'ms' },
      { section: 'dashboard', name: 'GET one rollout detail p50', value: d.p50, unit: 'ms', note: `n=${d.n}` },
      { section: 'dashboard', name: 'GET one rollout detail p99', value: d.p99, unit: 'ms' },
    );

    // apiserver change → list-stream event: spec.paused toggled on one rollout after another.
    const stream = await EventStream.open(new URL('api/v1/rollouts/stream', dashboard.url).toString());
    const delays: number[] = [];
    try {
      for (let i = 0; i < opts.streamChanges; i++) {
        const target = names[(i * 7) % names.length]!;
        for (const paused of [true, false]) {
          const arrived = stream.next(`${target} with paused=${paused}`, (event, data) => {
            const s = data as RolloutSummary;
            return event === 'rollout' && s.namespace === namespace && s.name === target && s.manuallyPaused === paused;
          });
          const sent = performance.now();
          await cluster.client.mergePatch(ROLLOUTS, namespace, target, { spec: { paused: paused ? true : null } });
          delays.push((await arrived) - sent);
        }
      }
    } finally {
      stream.close();
    }
    const s = summarize(delays);
    figures.push(
      { section: 'dashboard', name: 'apiserver change → SSE event p50', value: s.p50, unit: 'ms', note: `n=${s.n}; patch sent → list-stream event (100 ms debounce included)` },
      { section: 'dashboard', name: 'apiserver change → SSE event p99', value: s.p99, unit: 'ms' },
    );

    if (!existsSync(CHROMIUM)) {
      figures.push({ section: 'dashboard', name: 'page load', value: NaN, unit: 'ms', note: `${CHROMIUM} missing: run scripts/setup.sh` });
      return figures;
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    try {
      const loads: number[] = [];
      const allRows: number[] = [];
      let rows = 0;
      const last = names.at(-1)!;
      for (let i = 0; i < opts.pageLoads; i++) {
        const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
        const page = await context.newPage();
        const start = performance.now();
        await page.goto(dashboard.url);
        await page.waitForSelector('[data-testid^="row-"]', { timeout: 60_000 });
        loads.push(performance.now() - start);
        await page.waitForSelector(`[data-testid="row-${namespace}-${last}"]`, { state: 'attached', timeout: 60_000 });
        allRows.push(performance.now() - start);
        rows = await page.locator('[data-testid^="row-"]').count();
        await context.close();
      }
      const p = summarize(loads);
      const a = summarize(allRows);
      figures.push(
        { section: 'dashboard', name: `page load → first row p50 (${at})`, value: p.p50, unit: 'ms', note: `n=${p.n}, fresh browser context each, headless Chromium` },
        { section: 'dashboard', name: `page load → all rows p50 (${at})`, value: a.p50, unit: 'ms', note: `${rows} rows in the DOM; max ${Math.round(a.max)} ms` },
      );
    } finally {
      await browser.close();
    }
    say(`  dashboard with ${names.length} rollouts: list p50 ${l.p50.toFixed(1)} ms, SSE p50 ${s.p50.toFixed(0)} ms`);
    return figures;
  } finally {
    await dashboard.close();
  }
}
