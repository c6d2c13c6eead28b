/**
 * npm run bench [-- --full] [-- --only=latency,scale] [-- --against argo]: measures Ramp (and,
 * side by side, Argo Rollouts) on a local control plane (started when none runs, stopped again
 * afterwards), prints a table and writes bench/results/<date>.json and the scaling plot
 * bench/results/<date>-scale.svg. Quick mode takes a few minutes; --full measures more
 * promotions, 3,000 and 10,000 rollouts, sharding over 3 × 3,334 and a 30-minute soak. Figures
 * are never asserted: the machine they ran on is recorded with them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runDashboard } from './scenarios/dashboard.ts';
import { runLatency } from './scenarios/latency.ts';
import { runScale } from './scenarios/scale.ts';
import { runShard } from './scenarios/shard.ts';
import { runSoak } from './scenarios/soak.ts';
import { runStartup } from './scenarios/startup.ts';
import { compareFigures, renderComparisonMarkdown, renderComparisonTable } from './support/compare.ts';
import { openCluster, type Say } from './support/env.ts';
import { argoSubject, rampSubject, type ClientFlags, type Subject } from './support/subjects.ts';
import { describeMachine, renderMarkdownTable, renderTable, scalePlotSvg, type BenchResults, type Figure, type Machine } from './support/report.ts';

const SCENARIOS = ['startup', 'latency', 'scale', 'soak', 'shard', 'dashboard'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** The controllers `--against` can put beside Ramp, and the scenarios measured side by side. */
const AGAINST: Record<string, (flags: ClientFlags) => Subject> = { argo: argoSubject };
const SIDE_BY_SIDE: readonly Scenario[] = ['latency', 'scale', 'soak', 'shard'];

const USAGE = `usage: npm run bench [-- --full] [-- --only=${SCENARIOS.join(',')}] [-- --against argo]
                 [-- --sizes=1000,3000] [-- --soak-minutes=30] [-- --shard-rollouts=10002]
                 [-- --qps=200 --burst=400]

  (default)  quick mode: 3 controller starts compiled and 3 from source, 12 blue-green
             promotions, 9 basic, 6 NGINX and 6 Istio canary steps,
             100/300/1,000 rollouts, 20 s idle windows, a restart and an image change of every
             rollout at 1,000, a 2-minute soak over 1,000 rollouts, 3 sharded controllers over
             3 × 100 rollouts, the dashboard with 300 rollouts
  --full     7 starts each, 60 promotions, 51 basic, 34 NGINX and 34 Istio canary steps,
             100/300/1,000/3,000/10,000 rollouts, 60 s idle windows, the restart and image
             change at 10,000, a 30-minute soak over 1,000 rollouts, 3 × 3,334 sharded
  --only     run some scenarios (the dashboard needs scale)
  --sizes    the scale run's rollout counts (the restart and image change at the largest)
  --restart-at, --update-at  the counts to restart the controller at, and to change every
             rollout's image at (default: the largest; none for neither)
  --soak-minutes  the soak's length
  --shard-rollouts  the rollouts the sharded controllers share (default 300, 10,002 in full)
  --workers  the controller's --workers in the scale run (default: the controller's, 10)
  --qps, --burst  every controller's client-side rate limit, Ramp's and Argo's alike (default:
             their own, 40 and 80 per client set)
  --against  argo: latency, scale, soak and shard also with Argo Rollouts' controller, each
             controller in a namespace of its own with the same manifests; latency, scale and
             shard one controller after the other, the soak both at the same time; the report
             puts Ramp, Argo and the ratio side by side`;

const MODES = {
  quick: {
    startup: { starts: 3, settleSeconds: 5 },
    latency: { promotions: 12, canaryRollouts: 3, idleSeconds: 20 },
    scale: { counts: [100, 300, 1000], idleSeconds: 20, createParallelism: 16 },
    soak: { rollouts: 1000, seconds: 120, workers: 4, createParallelism: 16 },
    shard: { rollouts: 300, instances: 3, idleSeconds: 20, createParallelism: 16 },
    dashboard: { count: 300, requests: 30, streamChanges: 10, pageLoads: 3 },
  },
  full: {
    startup: { starts: 7, settleSeconds: 10 },
    latency: { promotions: 60, canaryRollouts: 17, idleSeconds: 60 },
    scale: { counts: [100, 300, 1000, 3000, 10000], idleSeconds: 60, createParallelism: 16 },
    soak: { rollouts: 1000, seconds: 1800, workers: 4, createParallelism: 16 },
    shard: { rollouts: 10002, instances: 3, idleSeconds: 60, createParallelism: 16 },
    dashboard: { count: 300, requests: 100, streamChanges: 30, pageLoads: 10 },
  },
} as const;

function machine(): Machine {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${platform()} ${release()}`,
    loadAtStart: loadavg()[0] ?? NaN,
  };
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { full: { type: 'boolean', default: false }, only: { type: 'string' }, workers: { type: 'string' }, against: { type: 'string' }, sizes: { type: 'string' }, 'restart-at': { type: 'string' }, 'update-at': { type: 'string' }, 'soak-minutes': { type: 'string' }, 'shard-rollouts': { type: 'string' }, qps: { type: 'string' }, burst: { type: 'string' }, help: { type: 'boolean', default: false } }, strict: true });
  } catch (err) {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const only = args.values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown && unknown.length > 0) {
    process.stderr.write(`bench: unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}\n`);
    return 2;
  }
  const againstName = args.values.against;
  const rate = (flag: 'qps' | 'burst'): number | undefined | 'invalid' => {
    const v = args.values[flag];
    return v === undefined ? undefined : /^[1-9]\d*$/.test(v) ? Number(v) : 'invalid';
  };
  const [qps, burst] = [rate('qps'), rate('burst')];
  if (qps === 'invalid' || burst === 'invalid') {
    process.stderr.write('bench: --qps and --burst take positive integers\n');
    return 2;
  }
  const clientFlags: ClientFlags = { ...(qps ? { qps } : {}), ...(burst ? { burst } : {}) };
  const RAMP = rampSubject(clientFlags);
  const against = againstName === undefined ? undefined : AGAINST[againstName]?.(clientFlags);
  if (againstName !== undefined && against === undefined) {
    process.stderr.write(`bench: --against takes ${Object.keys(AGAINST).join(', ')}, not ${JSON.stringify(againstName)}\n`);
    return 2;
  }
  const notSideBySide = against ? (only ?? []).filter((s) => !(SIDE_BY_SIDE as readonly string[]).includes(s)) : [];
  if (notSideBySide.length > 0) {
    process.stderr.write(`bench: --against measures ${SIDE_BY_SIDE.join(', ')} side by side, not ${notSideBySide.join(', ')}\n`);
    return 2;
  }
  const selected = new Set<Scenario>((only as Scenario[] | undefined) ?? (against ? SIDE_BY_SIDE : SCENARIOS));
  if (selected.has('dashboard') && !selected.has('scale')) {
    process.stderr.write('bench: the dashboard is measured on the scale run\'s rollouts: add scale to --only\n');
    return 2;
  }
  const workers = args.values.workers;
  if (workers !== undefined && !/^[1-9]\d*$/.test(workers)) {
    process.stderr.write(`bench: --workers must be a positive integer, not ${JSON.stringify(workers)}\n`);
    return 2;
  }
  const counted = (flag: 'sizes' | 'restart-at' | 'update-at'): number[] | undefined | 'invalid' => {
    const list = args.values[flag]?.split(',').map((v) => v.trim());
    if (list === undefined) return undefined;
    if (flag !== 'sizes' && list.length === 1 && list[0] === 'none') return [];
    return list.length > 0 && list.every((v) => /^[1-9]\d*$/.test(v)) ? [...new Set(list.map(Number))].sort((a, b) => a - b) : 'invalid';
  };
  const [sizes, restartAt, updateAt] = [counted('sizes'), counted('restart-at'), counted('update-at')];
  if (sizes === 'invalid' || restartAt === 'invalid' || updateAt === 'invalid' || (updateAt && updateAt.length > 1)) {
    process.stderr.write('bench: --sizes and --restart-at take rollout counts separated by commas, --update-at one count; the last two also take none\n');
    return 2;
  }
  const soakMinutes = args.values['soak-minutes'];
  if (soakMinutes !== undefined && !(Number(soakMinutes) > 0)) {
    process.stderr.write(`bench: --soak-minutes must be a positive number, not ${JSON.stringify(soakMinutes)}\n`);
    return 2;
  }
  const shardRollouts = args.values['shard-rollouts'];
  if (shardRollouts !== undefined && !/^[1-9]\d*$/.test(shardRollouts)) {
    process.stderr.write(`bench: --shard-rollouts must be a positive integer, not ${JSON.stringify(shardRollouts)}\n`);
    return 2;
  }
  const mode = args.values.full ? 'full' : 'quick';
  const counts = sizes ?? [...MODES[mode].scale.counts];
  const plan = {
    ...MODES[mode],
    scale: { ...MODES[mode].scale, counts, restartAt: restartAt ?? [counts.at(-1)!], updateAt: updateAt === undefined ? counts.at(-1)! : updateAt[0] },
    soak: { ...MODES[mode].soak, ...(soakMinutes ? { seconds: Number(soakMinutes) * 60 } : {}) },
    shard: { ...MODES[mode].shard, ...(shardRollouts ? { rollouts: Number(shardRollouts) } : {}) },
  };
  const started = performance.now();
  const say: Say = (line) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const host = machine();
  say(`${mode} mode on ${describeMachine(host)}`);

  const cluster = await openCluster(say);
  const figures: Figure[] = [];
  const notes: string[] = [
    ...(workers ? [`The scale run's controller ran with --workers=${workers}.`] : []),
    `Both controllers run with ${qps || burst ? `--qps ${qps ?? 40} --burst ${burst ?? 80}` : 'their default client-side rate limit, --qps 40 --burst 80'}, which each applies per client set (Kubernetes' own APIs, argoproj.io, other APIs); kube-controller-manager runs with --kube-api-qps=200. Leader election is off for both controllers.`,
    'Reconcile quantiles are interpolated inside Argo Rollouts\' histogram buckets (0.01, 0.15, 0.25, 0.5, 1 s), so they are coarse; the mean is exact.',
  ];
  const points: BenchResults['scale'] = [];
  const soakSeries: NonNullable<BenchResults['soak']> = {};
  const theirFigures: Figure[] = [];
  const theirPoints: BenchResults['scale'] = [];
  let failed = 0;
  // A scenario that fails is reported and the others still run; what it measured before is kept.
  const attempt = async (scenario: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (err) {
      failed++;
      const message = err instanceof Error ? err.message : String(err);
      say(`${scenario} failed: ${message}`);
      notes.push(`The ${scenario} scenario failed part-way: ${message.split('\n')[0]}`);
    }
  };
  try {
    if (selected.has('startup')) {
      say('start-up: the controller compiled and from its TypeScript sources, over an empty namespace');
      await attempt('startup', () => runStartup(cluster, plan.startup, figures, say));
    }
    if (selected.has('latency')) {
      say('latency and API cost: blue-green promotions; basic, NGINX and Istio canary steps');
      await attempt('latency', () => runLatency(cluster, plan.latency, { figures, notes }, say, RAMP));
      if (against) {
        const theirNotes: string[] = [];
        await attempt(`latency (${against.name})`, () => runLatency(cluster, plan.latency, { figures: theirFigures, notes: theirNotes }, say, against));
        notes.push(...theirNotes.map((n) => `${against.name}: ${n}`));
      }
    }
    if (selected.has('scale')) {
      say(`scale: ${plan.scale.counts.join(', ')} rollouts, a restart at ${plan.scale.restartAt.join(', ') || 'none'}, an image change of every rollout at ${plan.scale.updateAt ?? 'none'}`);
      const dashboardFigures: Figure[] = [];
      const dashboard = {
        count: plan.dashboard.count,
        run: (ns: string, names: string[]) => attempt('dashboard', async () => {
          dashboardFigures.push(...(await runDashboard(cluster, ns, names, plan.dashboard, say)));
        }),
      };
      await attempt('scale', () => runScale(cluster, { ...plan.scale, ...(workers ? { rampArgs: [`--workers=${workers}`] } : {}), ...(selected.has('dashboard') ? { dashboardAt: dashboard } : {}) }, { figures, points, notes }, say, RAMP));
      figures.push(...dashboardFigures);
      if (against) await attempt(`scale (${against.name})`, () => runScale(cluster, plan.scale, { figures: theirFigures, points: theirPoints, notes }, say, against));
    }
    if (selected.has('soak')) {
      const subjects = against ? [RAMP, against] : [RAMP];
      say(`soak: ${plan.soak.seconds / 60} minutes of image changes over ${plan.soak.rollouts} rollouts, ${subjects.map((s) => s.name).join(' and ')} at the same time`);
      await attempt('soak', () => runSoak(cluster, plan.soak, subjects, [figures, theirFigures], notes, say, soakSeries));
    }
    if (selected.has('shard')) {
      say(`shard: ${plan.shard.instances} controllers with their own --instance-id over ${plan.shard.rollouts} rollouts`);
      await attempt('shard', () => runShard(cluster, plan.shard, figures, notes, say, RAMP));
      if (against) await attempt(`shard (${against.name})`, () => runShard(cluster, plan.shard, theirFigures, notes, say, against));
    }
  } finally {
    await cluster.stop();
  }

  host.loadAtEnd = loadavg()[0] ?? NaN;
  const date = new Date().toISOString().slice(0, 10);
  const results: BenchResults = {
    date: new Date().toISOString(), mode, machine: host, figures, scale: points, notes, durationSeconds: (performance.now() - started) / 1000,
    ...(against ? { against: { name: against.name, description: against.description, figures: theirFigures, scale: theirPoints } } : {}),
    ...(Object.keys(soakSeries).length > 0 ? { soak: soakSeries } : {}),
  };
  const compared = against ? compareFigures(figures, theirFigures) : [];
  const sideBySide = against ? `${RAMP.description}; ${against.description}; on the same control plane, each in a namespace of its own: latency, scale and shard one controller after the other, the soak both at the same time.` : '';
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const stem = `${date}${mode === 'full' ? '-full' : ''}${only ? `-${[...selected].join('-')}` : ''}${sizes ? `-${counts.join('-')}` : ''}${workers ? `-workers${workers}` : ''}${qps ? `-qps${qps}` : ''}${against ? `-against-${againstName}` : ''}`;
  writeFileSync(`${dir}${stem}.json`, `${JSON.stringify(results, null, 2)}\n`);
  const markdown = against
    ? `${renderComparisonMarkdown(compared, RAMP.name, against.name)}\n\n${sideBySide}\n\n## ${RAMP.name}\n\n${renderMarkdownTable(figures)}\n\n## ${against.name}\n\n${renderMarkdownTable(theirFigures)}`
    : renderMarkdownTable(figures);
  writeFileSync(`${dir}${stem}.md`, `# Ramp bench (${mode}), ${results.date}\n\n${describeMachine(host)}\n\n${markdown}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
  const plotted = [{ name: RAMP.name, points }, ...(against ? [{ name: against.name, points: theirPoints }] : [])];
  if (points.length > 0) writeFileSync(`${dir}${stem}-scale.svg`, scalePlotSvg(plotted, `${against ? `Ramp and ${against.name}` : 'Ramp'}, ${mode} bench, ${date}: ${describeMachine(host)}`));

  const table = against ? `${renderComparisonTable(compared, RAMP.name, against.name)}\n\n${sideBySide}` : renderTable(figures);
  process.stdout.write(`\nRamp bench (${mode}), ${results.date}\n${describeMachine(host)}\n\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
  process.stdout.write(`\nwrote bench/results/${stem}.json, ${stem}.md${points.length > 0 ? ` and bench/results/${stem}-scale.svg` : ''} in ${Math.round(results.durationSeconds)} s\n`);
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
