import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { processUsage } from '../../../bench/support/subjects.ts';

describe('bench: a process\'s memory and CPU from /proc', () => {
  it('reads this process: its resident memory as Node reports it, and CPU time that grows with work', () => {
    const before = processUsage(process.pid);
    const rss = process.memoryUsage().rss;
    // VmRSS and Node's rss read the same kernel counter a moment apart.
    assert.ok(Math.abs(before.rssBytes - rss) < 32 * 1024 * 1024, `${before.rssBytes} vs ${rss}`);
    let x = 0;
    const until = process.cpuUsage().user + 200_000;
    while (process.cpuUsage().user < until) x += Math.sqrt(x + 1);
    assert.ok(x > 0);
    const after = processUsage(process.pid);
    assert.ok(after.cpuSeconds - before.cpuSeconds >= 0.1, `${before.cpuSeconds} → ${after.cpuSeconds}`);
  });
});
