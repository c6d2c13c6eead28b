import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGraphiteProvider, formatValues, parseRender, renderUrl } from '../../../controller/analysis/providers/graphite/index.ts';
import type { Metric } from '../../../controller/analysis/types.ts';
import { cannedHttp, run, T } from '../../support/analysis-ports.ts';

const metric = (successCondition: string, query = 'target=summarize(app.errors, "5min", "sum")&from=-5min'): Metric => ({
  name: 'errors',
  successCondition,
  provider: { graphite: { address: 'http://graphite:8080/prefix/', query } },
});

describe('graphite provider', () => {
  it('asks the render API for JSON, whitespace removed from the query', () => {
    const url = new URL(renderUrl({ address: 'http://graphite:8080/prefix/', query: 'target=sum(a.b,\n  c.d)&from=-5min' }));
    assert.equal(url.origin + url.pathname, 'http://graphite:8080/prefix/render');
    assert.equal(url.searchParams.get('target'), 'sum(a.b,c.d)');
    assert.equal(url.searchParams.get('from'), '-5min');
    assert.equal(url.searchParams.get('format'), 'json');
    assert.throws(() => renderUrl({ query: 'target=x' }), { message: 'Graphite address  is not a valid URL' });
  });

  it('the first series\' non-null points reach the conditions as numbers, printed with six decimals', async () => {
    const body = JSON.stringify([
      { target: 'a', datapoints: [[1, 1700000000], [null, 1700000060], ['2.5', 1700000120]] },
      { target: 'b', datapoints: [[99, 1700000000]] },
    ]);
    const http = cannedHttp(200, body);
    const m = await createGraphiteProvider({ http }).run({ run, metric: metric('len(result) == 2 && result[1] == 2.5'), now: () => T });
    assert.equal(m.phase, 'Successful');
    assert.equal(m.value, '[1.000000,2.500000]');
    assert.equal(http.calls[0]!.init.method, 'GET');
  });

  it('no series or no points is an error; all-null points are an empty result', async () => {
    const none = await createGraphiteProvider({ http: cannedHttp(200, '[]') }).run({ run, metric: metric('true'), now: () => T });
    assert.equal(none.phase, 'Error');
    assert.equal(none.message, 'no values found');
    const nulls = await createGraphiteProvider({ http: cannedHttp(200, '[{"target":"a","datapoints":[[null,1]]}]') }).run({
      run,
      metric: metric('len(result) == 0'),
      now: () => T,
    });
    assert.equal(nulls.phase, 'Successful');
    assert.equal(nulls.value, '[]');
  });

  it('an HTTP error status carries the body; a bad point is an error', async () => {
    const m = await createGraphiteProvider({ http: cannedHttp(500, 'boom') }).run({ run, metric: metric('true'), now: () => T });
    assert.equal(m.message, 'error response: boom');
    assert.throws(() => parseRender('[{"datapoints":[[1]]}]'), /error unmarshaling data point/);
    assert.equal(formatValues([0.1, -3]), '[0.100000,-3.000000]');
  });
});
