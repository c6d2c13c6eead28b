import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { beyondTopBucket, eventWrites, heapUsedBytes, histogramDelta, histogramOf, histogramQuantile, parsePrometheus, requestCounts, requestDelta, rolloutQueueDepth, sumOf, totalRequests, valueOf } from '../../../bench/support/prom.ts';

const SCRAPE = `# HELP controller_clientset_k8s_request_total Number of kubernetes requests executed during application reconciliation.
# TYPE controller_clientset_k8s_request_total counter
controller_clientset_k8s_request_total{kind="rollouts",verb="List",status_code="200"} 2
controller_clientset_k8s_request_total{kind="rollouts",verb="Watch",status_code="200"} 3
controller_clientset_k8s_request_total{kind="rollouts",verb="Patch",status_code="200"} 7
controller_clientset_k8s_request_total{kind="rollouts",verb="Patch",status_code="409"} 1
controller_clientset_k8s_request_total{kind="replicasets",verb="Create",status_code="201"} 2
controller_clientset_k8s_request_total{kind="services",verb="Get",status_code="200"} 4
# TYPE rollout_reconcile histogram
rollout_reconcile_bucket{le="0.01",namespace="a",name="x"} 8
rollout_reconcile_bucket{le="0.15",namespace="a",name="x"} 10
rollout_reconcile_bucket{le="+Inf",namespace="a",name="x"} 10
rollout_reconcile_sum{namespace="a",name="x"} 0.3
rollout_reconcile_count{namespace="a",name="x"} 10
rollout_reconcile_bucket{le="0.01",namespace="a",name="y"} 0
rollout_reconcile_bucket{le="0.15",namespace="a",name="y"} 0
rollout_reconcile_bucket{le="+Inf",namespace="a",name="y"} 10
rollout_reconcile_sum{namespace="a",name="y"} 20
rollout_reconcile_count{namespace="a",name="y"} 10
workqueue_depth{name="rollout"} 5
process_resident_memory_bytes 104857600
label_with_escape{path="a\\"b"} 1
`;

describe('reading the controller /metrics', () => {
  const samples = parsePrometheus(SCRAPE);

  test('parses samples with labels, skipping comments', () => {
    assert.equal(valueOf(samples, 'workqueue_depth', { name: 'rollout' }), 5);
    assert.equal(valueOf(samples, 'process_resident_memory_bytes'), 104857600);
    assert.equal(valueOf(samples, 'label_with_escape')?.valueOf(), 1);
    assert.equal(samples.find((s) => s.name === 'label_with_escape')?.labels.path, 'a"b');
    assert.equal(valueOf(samples, 'no_such_metric'), undefined);
  });

  test('sums a counter over the series matching some labels', () => {
    assert.equal(sumOf(samples, 'controller_clientset_k8s_request_total', { verb: 'Patch' }), 8);
    assert.equal(sumOf(samples, 'controller_clientset_k8s_request_total'), 19);
  });

  test('splits requests into reads, writes and watches, with a per verb and kind breakdown', () => {
    const counts = requestCounts(samples);
    assert.deepEqual({ reads: counts.reads, writes: counts.writes, watches: counts.watches }, { reads: 6, writes: 10, watches: 3 });
    assert.equal(counts.byVerbAndKind['Patch rollouts'], 8);
  });

  test('the request delta keeps only what changed', () => {
    const before = requestCounts(samples);
    const after = requestCounts(parsePrometheus(SCRAPE.replace('verb="Patch",status_code="200"} 7', 'verb="Patch",status_code="200"} 9')));
    assert.deepEqual(requestDelta(before, after), { reads: 0, writes: 2, watches: 0, byVerbAndKind: { 'Patch rollouts': 2 } });
  });

  test('a histogram is summed over every rollout label set', () => {
    const h = histogramOf(samples, 'rollout_reconcile');
    assert.deepEqual(h.buckets, [{ le: 0.01, count: 8 }, { le: 0.15, count: 10 }, { le: Infinity, count: 20 }]);
    assert.equal(h.count, 20);
    assert.ok(Math.abs(h.sum - 20.3) < 1e-9);
  });

  test('quantiles interpolate inside the bucket as histogram_quantile does', () => {
    const h = histogramOf(samples, 'rollout_reconcile');
    // Rank 4 of 20 falls in the first bucket (8 observations in 0..0.01).
    assert.ok(Math.abs(histogramQuantile(h, 0.2) - 0.005) < 1e-12);
    // Rank 9 falls in the second bucket: 0.01 + 0.14 × (9 − 8) / 2.
    assert.ok(Math.abs(histogramQuantile(h, 0.45) - 0.08) < 1e-12);
    // Rank 19.8 falls in +Inf: the highest finite bound.
    assert.equal(histogramQuantile(h, 0.99), 0.15);
    assert.ok(Number.isNaN(histogramQuantile({ buckets: [], sum: 0, count: 0 }, 0.5)));
  });

  test('a quantile past the top finite bucket is flagged, since it only reads as that bound', () => {
    const h = histogramOf(samples, 'rollout_reconcile');
    assert.equal(beyondTopBucket(h, 0.99), true);
    assert.equal(beyondTopBucket(h, 0.5), false);
    assert.equal(beyondTopBucket({ buckets: [], sum: 0, count: 0 }, 0.99), false);
  });

  test('a histogram delta is the window between two scrapes, never negative', () => {
    const before = histogramOf(samples, 'rollout_reconcile');
    const after = { buckets: before.buckets.map((b) => ({ le: b.le, count: b.le === 0.01 ? b.count : b.count + 4 })), sum: before.sum + 1, count: before.count + 4 };
    const d = histogramDelta(before, after);
    assert.deepEqual(d.buckets, [{ le: 0.01, count: 0 }, { le: 0.15, count: 4 }, { le: Infinity, count: 4 }]);
    assert.equal(d.count, 4);
    const shrunk = histogramDelta(after, before);
    assert.ok(shrunk.buckets.every((b) => b.count === 0) && shrunk.count === 0);
  });

  test('the Rollout queue depth is read under Ramp\'s and Argo\'s queue names, and is absent when neither exports it', () => {
    assert.equal(rolloutQueueDepth(parsePrometheus('workqueue_depth{name="rollout"} 3\nworkqueue_depth{name="experiment"} 9')), 3);
    assert.equal(rolloutQueueDepth(parsePrometheus('workqueue_depth{name="Rollouts"} 5')), 5);
    assert.equal(rolloutQueueDepth(parsePrometheus('workqueue_depth{name="analysisrun"} 2')), undefined);
  });

  test('heap in use comes from the Node collector, else from the Go one', () => {
    assert.equal(heapUsedBytes(parsePrometheus('nodejs_heap_size_used_bytes 100\ngo_memstats_heap_alloc_bytes 7')), 100);
    assert.equal(heapUsedBytes(parsePrometheus('go_memstats_heap_alloc_bytes 7')), 7);
    assert.equal(heapUsedBytes(parsePrometheus('process_resident_memory_bytes 1')), undefined);
  });

  test('Event writes and all requests of a delta', () => {
    const d = requestDelta(requestCounts([]), requestCounts(parsePrometheus([
      'controller_clientset_k8s_request_total{kind="events",verb="Create"} 3',
      'controller_clientset_k8s_request_total{kind="events",verb="Patch"} 1',
      'controller_clientset_k8s_request_total{kind="rollouts",verb="Patch"} 2',
      'controller_clientset_k8s_request_total{kind="rollouts",verb="Watch"} 1',
    ].join('\n'))));
    assert.equal(eventWrites(d), 4);
    assert.equal(d.writes - eventWrites(d), 2);
    assert.equal(totalRequests(d), 7);
  });
});
