import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { collectedGauge, type Sample } from '../../../controller/runtime/collected-gauge.ts';

describe('collectedGauge', () => {
  const setUp = (objects: string[][]): { registry: Registry; reads: () => number } => {
    const registry = new Registry();
    let reads = 0;
    const source = (): { info: Sample[]; size: Sample[] } => {
      reads += 1;
      return {
        info: objects.map(([name, phase]) => ({ labels: { name: name!, phase: phase! }, value: 1 })),
        size: objects.map(([name]) => ({ labels: { name: name! }, value: name!.length })),
      };
    };
    collectedGauge(registry, 'thing_info', 'Information about things.', ['name', 'phase'], (s) => s.info, source);
    collectedGauge(registry, 'thing_size', 'Sizes.', ['name'], (s) => s.size, source);
    return { registry, reads: () => reads };
  };

  it('reads its source once per scrape for all the families built from it', async () => {
    const objects = [['a', 'Healthy'], ['bb', 'Paused']];
    const { registry, reads } = setUp(objects);
    const text = await registry.metrics();
    assert.equal(reads(), 1);
    assert.match(text, /# TYPE thing_info gauge\nthing_info\{name="a",phase="Healthy"\} 1\nthing_info\{name="bb",phase="Paused"\} 1/);
    assert.match(text, /thing_size\{name="bb"\} 2/);
    await registry.metrics();
    assert.equal(reads(), 2);
  });

  it('drops the series of an object gone from the source, and escapes label values', async () => {
    const objects = [['a', 'Healthy'], ['b"\\', 'Paused']];
    const { registry } = setUp(objects);
    assert.match(await registry.metrics(), /thing_info\{name="b\\"\\\\",phase="Paused"\} 1/);
    objects.pop();
    const text = await registry.metrics();
    assert.doesNotMatch(text, /Paused/);
    assert.match(text, /thing_info\{name="a",phase="Healthy"\} 1/);
  });

  it('lets other work run between families, so a large scrape does not hold the thread at once', async () => {
    const { registry } = setUp([['a', 'Healthy']]);
    const order: string[] = [];
    // Already due when the scrape starts: a scrape formatted in one go would finish before it.
    setImmediate(() => order.push('io'));
    await registry.metrics().then(() => order.push('scrape'));
    assert.deepEqual(order, ['io', 'scrape']);
  });
});
