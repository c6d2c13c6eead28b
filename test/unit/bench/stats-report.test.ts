import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatValue, niceTicks, renderMarkdownTable, renderTable, scalePlotSvg, type ScalePoint } from '../../../bench/support/report.ts';
import { mapBounded, percentile, slope, summarize } from '../../../bench/support/stats.ts';

describe('bench statistics', () => {
  test('percentiles take the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  test('a summary has count, p50, p99, min, max and mean', () => {
    assert.deepEqual(summarize([4, 1, 3, 2]), { n: 4, p50: 2, p99: 4, min: 1, max: 4, mean: 2.5 });
  });

  test('slope is the least-squares growth rate', () => {
    assert.equal(slope([{ x: 0, y: 10 }, { x: 10, y: 30 }, { x: 20, y: 50 }]), 2);
    assert.ok(Number.isNaN(slope([{ x: 0, y: 1 }])));
  });

  test('mapBounded keeps at most `limit` calls in flight and the input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(peak, 2);
  });
});

describe('bench report', () => {
  test('values print with three significant digits', () => {
    assert.equal(formatValue(0.012345), '0.0123');
    assert.equal(formatValue(12.345), '12.3');
    assert.equal(formatValue(12345.6), '12346');
    assert.equal(formatValue(0), '0');
    assert.equal(formatValue(NaN), 'n/a');
  });

  test('the table aligns columns and right-aligns values', () => {
    const table = renderTable([
      { section: 'latency', name: 'promote → active switch p50', value: 123.456, unit: 'ms' },
      { section: 'api', name: 'idle writes', value: 0, unit: 'per minute', note: '1000 rollouts' },
    ]).split('\n');
    assert.equal(table.length, 4);
    assert.match(table[0]!, /^section\s+figure\s+value\s+unit\s+note$/);
    assert.match(table[2]!, /latency\s+promote → active switch p50\s+123\s+ms$/);
    assert.match(table[3]!, /api\s+idle writes\s+0\s+per minute\s+1000 rollouts$/);
  });

  test('the Markdown table has one row per figure and escapes pipes', () => {
    const md = renderMarkdownTable([{ section: 'api', name: 'writes | reads', value: 2.5, unit: 'requests' }]).split('\n');
    assert.equal(md.length, 3);
    assert.equal(md[2], '| api | writes \\| reads | 2.5 | requests |  |');
  });

  test('axis ticks are round and cover the maximum', () => {
    assert.deepEqual(niceTicks(87), [0, 25, 50, 75, 100]);
    assert.deepEqual(niceTicks(0), [0, 1]);
  });

  test('the scale plot has one line per controller and one point per rollout count in each panel', () => {
    const points = (rss: number): ScalePoint[] => [100, 1000].map((n, i) => ({
      rollouts: n, reconcileP50Ms: 5, reconcileP99Ms: 100 * (i + 1), reconcileMeanMs: 8, maxQueueDepth: n, convergeSeconds: 10 * (i + 1), rssMiB: rss + i * 50, heapUsedMiB: 40,
    }));
    // Argo stopped before 1,000 (not converged): its line has one point per panel.
    const svg = scalePlotSvg([{ name: 'Ramp', points: points(120) }, { name: 'Argo', points: points(90).slice(0, 1) }], 'test <machine>');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/<circle /g) ?? []).length, 3 * (2 + 1));
    assert.equal((svg.match(/<polyline /g) ?? []).length, 3 * 2);
    assert.match(svg, /<title>Ramp, 1000 rollouts: 200 ms<\/title>/);
    assert.match(svg, /<title>Ramp, 1000 rollouts: 170 MiB<\/title>/);
    assert.match(svg, /<title>Argo, 100 rollouts: 90 MiB<\/title>/);
    assert.match(svg, /<title>Ramp, 1000 rollouts: 20 s<\/title>/);
    assert.match(svg, /test &lt;machine&gt;/);
  });
});
