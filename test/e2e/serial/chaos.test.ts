import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runChaos } from '../../support/chaos/run.ts';
import { FAULT_KINDS } from '../../support/chaos/schedule.ts';

/**
 * The smoke version of `npm run chaos` (docs/reliability.md): 100 Rollouts of every strategy under
 * commands from four clients for two minutes while each fault happens once (the leader SIGKILLed,
 * a clean leader failover, an apiserver restart, latency, 409s, 429s, 5xx, dropped watches). It
 * restarts the shared apiserver, so it runs with the serial files.
 */
describe('faults under load (smoke)', () => {
  test('100 rollouts through every fault once: every invariant holds and everything settles', async () => {
    const report = await runChaos({
      rollouts: 100,
      durationMs: 120_000,
      seed: 21,
      clients: 4,
      commandsPerSecond: 2,
      faultSlots: FAULT_KINDS.length,
      settleTimeoutMs: 120_000,
      controllerArgs: [],
      say: (line) => console.log(line),
    });
    for (const kind of FAULT_KINDS) assert.ok(report.faults[kind] >= 1, `fault ${kind} was injected`);
    assert.ok(report.proxy.delayed > 0 && report.proxy.throttled > 0 && report.proxy.watchesDropped > 0, `the proxy delayed, throttled and dropped watches: ${JSON.stringify(report.proxy)}`);
    assert.ok((report.proxy.injected[409] ?? 0) > 0 && ((report.proxy.injected[500] ?? 0) + (report.proxy.injected[503] ?? 0)) > 0, `409 and 5xx answers were injected: ${JSON.stringify(report.proxy.injected)}`);
    assert.ok(report.commands.reflected > 0, 'commands were sent and carried out');
    assert.deepEqual(report.violations.map((v) => `${v.invariant} ${v.subject}: ${v.message}`), []);
  });
});
