/**
 * npm run chaos [-- --rollouts=1000 --duration=600 --seed=1]: the fault run of docs/reliability.md
 * on the local control plane (started when none runs). Prints progress, then the figures, and
 * writes bench/results/<date>-chaos-<rollouts>.json; exits 1 when an invariant was violated.
 * It restarts the shared apiserver: run it under `flock /tmp/ramp-heavy.lock` on a shared machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runChaos, type ChaosReport } from '../test/support/chaos/run.ts';
import { openCluster } from './support/env.ts';

const USAGE = `usage: npm run chaos [-- --rollouts=N] [-- --duration=SECONDS] [-- --seed=N]

  --rollouts  Rollouts deployed (default 1000): a fifth each blue-green, basic canary, NGINX and
              Istio canary, a tenth each with an analysis step passing and failing (Prometheus)
  --duration  seconds of commands and faults (default 600)
  --seed      the seed of the schedule, the commands and the proxy's faults (default 1)
  --clients   concurrent users sending commands (default 4)
  --rate      commands a second, all users together (default 2)
  --faults    faults in the run, at least one of each of the 8 kinds (default: one per 30 s)
  --settle    seconds everything may take to settle once faults stop (default 900)
  --qps, --burst  the controllers' client-side rate limit (default: the controller's, 40 and 80)
  --keep      keep the namespace afterwards`;

function figures(r: ChaosReport): string {
  const s = (x: number): string => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 0) : '-');
  const lines = [
    `rollouts ${r.options.rollouts}, ${r.options.durationMs / 1000} s of faults, seed ${r.options.seed}, ${r.controllerProcesses} controller processes`,
    `load average before ${r.loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${r.loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
    `initial converge ${s(r.initialConvergeSeconds)} s`,
    `faults injected: ${Object.entries(r.faults).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `proxy: ${r.proxy.requests} requests, ${r.proxy.delayed} delayed, ${r.proxy.throttled} answered 429, injected ${JSON.stringify(r.proxy.injected)}, ${r.proxy.lostAnswers} answers lost, ${r.proxy.watchesDropped} watches dropped`,
    `commands sent: ${Object.entries(r.commands.sent).map(([k, n]) => `${k} ${n}`).join(', ')}; ${r.commands.reflected} reflected; ${r.commands.failed} refused or failed at the client`,
    `invariant checks: ${Object.entries(r.checks).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `violations: ${r.violations.length}`,
    ...r.violations.slice(0, 30).map((v) => `  ${v.invariant} ${v.subject}: ${v.message}`),
    `settled ${s(r.settleSeconds)} s after the faults stopped`,
    `command latency (write → status shows it): p50 ${s(r.commandLatencySeconds.p50)} s, p90 ${s(r.commandLatencySeconds.p90)} s, p99 ${s(r.commandLatencySeconds.p99)} s, max ${s(r.commandLatencySeconds.max)} s over ${r.commandLatencySeconds.count}`,
    `queue wait: command lane mean ${s(r.queueWait.command.meanSeconds)} s p99 ${s(r.queueWait.command.p99Seconds)} s (${r.queueWait.command.count}); background mean ${s(r.queueWait.background.meanSeconds)} s p99 ${s(r.queueWait.background.p99Seconds)} s (${r.queueWait.background.count})`,
    `rate-limit wait: lease mean ${s(r.limiterWait.lease.meanSeconds)} s; command mean ${s(r.limiterWait.command.meanSeconds)} s p99 ${s(r.limiterWait.command.p99Seconds)} s; background mean ${s(r.limiterWait.background.meanSeconds)} s p99 ${s(r.limiterWait.background.p99Seconds)} s; ${r.retriedAfter} requests retried after Retry-After`,
    ...r.memory.map((m) => `memory ${m.process}: first ${s(m.firstMiB)} MiB, peak ${s(m.peakMiB)} MiB, last ${s(m.lastMiB)} MiB, growth last/middle third ${(m.growth * 100).toFixed(0)}% (${m.samples} samples)`),
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rollouts: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '600' },
      seed: { type: 'string', default: '1' },
      clients: { type: 'string', default: '4' },
      rate: { type: 'string', default: '2' },
      faults: { type: 'string' },
      settle: { type: 'string', default: '900' },
      qps: { type: 'string' },
      burst: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const number = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`chaos: --${flag} must be a positive number, got ${JSON.stringify(v)}\n${USAGE}`);
    return n;
  };
  const durationMs = number('duration', values.duration) * 1000;
  const say = (line: string): void => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  const cluster = await openCluster(say);
  try {
    const report = await runChaos({
      rollouts: number('rollouts', values.rollouts),
      durationMs,
      seed: number('seed', values.seed),
      clients: number('clients', values.clients),
      commandsPerSecond: number('rate', values.rate),
      faultSlots: values.faults ? number('faults', values.faults) : Math.max(8, Math.round(durationMs / 30_000)),
      settleTimeoutMs: number('settle', values.settle) * 1000,
      controllerArgs: [...(values.qps ? [`--qps=${values.qps}`] : []), ...(values.burst ? [`--burst=${values.burst}`] : [])],
      keepNamespace: values.keep,
      say,
    });
    console.log(`\n${figures(report)}`);
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}${new Date().toISOString().slice(0, 10)}-chaos-${report.options.rollouts}.json`;
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    say(`wrote ${file}`);
    return report.violations.length === 0 ? 0 : 1;
  } finally {
    await cluster.stop();
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(2);
});
