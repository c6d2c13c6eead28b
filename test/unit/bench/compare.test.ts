import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareFigures, formatRatio, ratioOf, renderComparisonMarkdown, renderComparisonTable } from '../../../bench/support/compare.ts';
import type { Figure } from '../../../bench/support/report.ts';

const fig = (section: string, name: string, value: number, unit = 'ms'): Figure => ({ section, name, value, unit });

describe('bench: Ramp beside another controller', () => {
  it('joins the figures both measured by section, name and unit, in our order, with ours / theirs', () => {
    const ours = [fig('latency', 'switch p50', 10), fig('api', 'writes', 12, 'requests'), fig('latency', 'only ours', 1), fig('idle', 'RSS', 140, 'MiB')];
    const theirs = [fig('idle', 'RSS', 110, 'MiB'), fig('latency', 'switch p50', 40), fig('api', 'writes', 12, 'seconds')];
    const rows = compareFigures(ours, theirs);
    assert.deepEqual(rows.map((r) => [r.name, r.ours, r.theirs]), [['switch p50', 10, 40], ['RSS', 140, 110]]);
    assert.equal(rows[0]!.ratio, 0.25);
  });

  it('a ratio of two zeros is 1, of something over zero infinite', () => {
    assert.equal(ratioOf(0, 0), 1);
    assert.equal(ratioOf(3, 0), Infinity);
    assert.equal(ratioOf(0, 3), 0);
    assert.deepEqual([formatRatio(Infinity), formatRatio(0.254), formatRatio(12.4), formatRatio(NaN)], ['∞', '0.25', '12', 'n/a']);
  });

  it('renders the rows for the terminal and as Markdown, both controllers named', () => {
    const rows = compareFigures([fig('latency', 'a | b', 10)], [fig('latency', 'a | b', 40)]);
    const md = renderComparisonMarkdown(rows, 'Ramp', 'Argo').split('\n');
    assert.equal(md[0], '| section | figure | Ramp | Argo | Ramp/Argo | unit |');
    assert.equal(md[2], '| latency | a \\| b | 10 | 40 | 0.25 | ms |');
    const text = renderComparisonTable(rows, 'Ramp', 'Argo').split('\n');
    assert.match(text[0]!, /^section\s+figure\s+Ramp\s+Argo\s+Ramp\/Argo\s+unit$/);
    assert.match(text[2]!, /^latency\s+a \| b\s+10\s+40\s+0\.25\s+ms$/);
  });
});
