import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { binDir } from '../../cluster/layout.ts';
import { argoCli, startArgoController } from '../support/argo-controller.ts';
import { runProcess, type CliResult } from '../support/cli.ts';
import { kubeconfigPath, testNamespace } from '../../support/cluster.ts';
import { startController } from '../../support/controller.ts';
import type { ControllerProcess } from '../../support/controller-process.ts';
import { canaryRollout, RolloutHelper } from '../../support/rollouts.ts';

/**
 * `kubectl wait --for=condition=...` on a Rollout, the way CI pipelines wait for a rollout:
 * the same canary walked through the same steps under Argo Rollouts' controller and under Ramp,
 * each in its own namespace, gives the same outcome for every wait. The Completed and Healthy
 * conditions are Argo's (utils/conditions, rollout/sync.go): Completed once the stable
 * ReplicaSet is the current one, Healthy once completed, available and not paused.
 *
 * It runs alone (test/e2e/serial/): Argo's controller runs beside Ramp's on the shared control plane.
 */

const APP = 'app';

/** What one `kubectl wait` gave: met, or not met within its timeout. */
interface WaitOutcome {
  condition: string;
  met: boolean;
  stdout: string;
}

async function wait(ns: string, condition: string, timeout: string): Promise<WaitOutcome> {
  const result: CliResult = await runProcess(join(binDir(), 'kubectl'), [
    `--kubeconfig=${kubeconfigPath()}`, '-n', ns, 'wait', `--for=condition=${condition}`, `rollout/${APP}`, `--timeout=${timeout}`,
  ]);
  // kubectl prints the object's kind and name; the namespaces differ, the names do not.
  return { condition, met: result.code === 0, stdout: result.stdout.trim() };
}

/**
 * The canary from v1 to v2 with one indefinite pause: the waits at each point, in order. A wait
 * expected to hold is given a minute; one expected not to hold is given a few seconds.
 */
async function walk(ns: string): Promise<WaitOutcome[]> {
  const ro = new RolloutHelper(ns);
  const outcomes: WaitOutcome[] = [];
  outcomes.push(await wait(ns, 'Completed', '60s'));
  outcomes.push(await wait(ns, 'Healthy', '60s'));
  outcomes.push(await wait(ns, 'Healthy=False', '3s'));
  await ro.setImage(APP, 'registry.local/app:v2');
  outcomes.push(await wait(ns, 'Completed=False', '60s'));
  outcomes.push(await wait(ns, 'Healthy=False', '60s'));
  await ro.waitFor(APP, 'paused at the indefinite pause', (r) => (r.status?.pauseConditions ?? []).some((p) => p.reason === 'CanaryPauseStep'), 60_000);
  outcomes.push(await wait(ns, 'Completed', '3s'));
  outcomes.push(await wait(ns, 'Healthy', '3s'));
  argoCli('promote', APP, '-n', ns);
  outcomes.push(await wait(ns, 'Completed', '60s'));
  outcomes.push(await wait(ns, 'Healthy', '60s'));
  outcomes.push(await wait(ns, 'Completed=False', '3s'));
  return outcomes;
}

async function underController(t: { after: (fn: () => Promise<void>) => void }, name: string, start: (ns: string) => Promise<ControllerProcess>): Promise<WaitOutcome[]> {
  const ns = await testNamespace({ after: (fn) => t.after(fn), name });
  const ro = new RolloutHelper(ns);
  await ro.create(canaryRollout(APP, { steps: [{ setWeight: 50 }, { pause: {} }] }, { replicas: 2 }));
  const controller = await start(ns);
  t.after(() => controller.kill());
  return walk(ns);
}

describe('kubectl wait on Rollout conditions, Argo Rollouts beside Ramp, on the real control plane', () => {

  test('Completed and Healthy, true and false, are met at the same points of a canary under both controllers', async (t) => {
    const [argo, ramp] = await Promise.all([
      underController(t, 'conditions under argo', (ns) => startArgoController({ namespace: ns })),
      underController(t, 'conditions under ramp', (ns) => startController({ namespace: ns, name: `${ns}-ramp` })),
    ]);
    const met = (outcomes: WaitOutcome[]) => outcomes.map((o) => `${o.condition}: ${o.met ? 'met' : 'not met'}`);
    assert.deepEqual(met(argo), [
      'Completed: met', 'Healthy: met', 'Healthy=False: not met',
      'Completed=False: met', 'Healthy=False: met', 'Completed: not met', 'Healthy: not met',
      'Completed: met', 'Healthy: met', 'Completed=False: not met',
    ], 'Argo: the walk as its conditions describe it');
    assert.deepEqual(met(ramp), met(argo), 'Ramp: the same waits met at the same points');
    assert.deepEqual(ramp.map((o) => o.stdout), argo.map((o) => o.stdout), 'the same kubectl output');
  });
});
