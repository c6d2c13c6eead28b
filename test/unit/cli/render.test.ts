import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRolloutInfo } from '../../../client/info/rollout-info.ts';
import { painter } from '../../../controller/cli/render/color.ts';
import { renderRolloutList } from '../../../controller/cli/render/list.ts';
import { alignColumns } from '../../../controller/cli/render/table.ts';
import { renderRollout } from '../../../controller/cli/render/tree.ts';
import { loadFixture, NOW } from '../../support/rollout-fixtures.ts';

const text = (s: string): string => s.replace(/^\n/, '');

describe('get rollout tree', () => {
  it('draws a paused blue-green rollout as Argo does', () => {
    const out = renderRollout(newRolloutInfo(loadFixture('bluegreen-paused.yaml')), { now: NOW });
    assert.equal(
      out,
      text(`
Name:            bluegreen-demo
Namespace:       demo
Status:          ॥ Paused
Message:         BlueGreenPause
Strategy:        BlueGreen
Images:          argoproj/rollouts-demo:blue (stable, active)
                 argoproj/rollouts-demo:green (preview)
Replicas:
  Desired:       3
  Current:       6
  Updated:       3
  Ready:         6
  Available:     3

NAME                                        KIND        STATUS        AGE  INFO
⟳ bluegreen-demo                            Rollout     ॥ Paused      7d
├──# revision:11
│  └──⧉ bluegreen-demo-74b948fccb           ReplicaSet  ✔ Healthy     7d   preview
│     ├──□ bluegreen-demo-74b948fccb-5jz59  Pod         ✔ Running     7d   ready:1/1
│     ├──□ bluegreen-demo-74b948fccb-mkhrl  Pod         ✔ Running     7d   ready:1/1
│     └──□ bluegreen-demo-74b948fccb-vvj2t  Pod         ✔ Running     7d   ready:1/1
├──# revision:10
│  └──⧉ bluegreen-demo-6cbccd9f99           ReplicaSet  ✔ Healthy     7d   stable,active
│     ├──□ bluegreen-demo-6cbccd9f99-gk78v  Pod         ✔ Running     7d   ready:1/1
│     ├──□ bluegreen-demo-6cbccd9f99-kxj8g  Pod         ✔ Running     7d   ready:1/1
│     └──□ bluegreen-demo-6cbccd9f99-t2d4f  Pod         ✔ Running     7d   ready:1/1
└──# revision:8
   └──⧉ bluegreen-demo-746d5fddf6           ReplicaSet  • ScaledDown  7d
`),
    );
  });

  it('shows weights, the analysis run with its counts and the scale-down delay of an aborted canary', () => {
    const out = renderRollout(newRolloutInfo(loadFixture('analysis-failed.yaml')), { now: NOW });
    assert.equal(
      out,
      text(`
Name:            payments
Namespace:       demo
Status:          ✖ Degraded
Message:         RolloutAborted: Rollout aborted update to revision 4: Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)
Strategy:        Canary
  Step:          1/4
  SetWeight:     0
  ActualWeight:  0
Images:          registry.example/payments:4.1 (stable)
                 registry.example/payments:4.2 (canary)
Replicas:
  Desired:       4
  Current:       5
  Updated:       1
  Ready:         5
  Available:     5

NAME                                 KIND         STATUS      AGE  INFO
⟳ payments                           Rollout      ✖ Degraded  7d
├──# revision:4
│  ├──⧉ payments-7f6d5c4b3           ReplicaSet   ✔ Healthy   15m  canary,delay:30s
│  │  └──□ payments-7f6d5c4b3-q9w8e  Pod          ✔ Running   15m  ready:1/1
│  └──α payments-7f6d5c4b3-5-1       AnalysisRun  ✖ Failed    13m  ✔ 1,✖ 3
└──# revision:3
   └──⧉ payments-68b9c7d5f           ReplicaSet   ✔ Healthy   7d   stable
      ├──□ payments-68b9c7d5f-j7h8g  Pod          ✔ Running   7d   ready:1/1
      ├──□ payments-68b9c7d5f-m1n2b  Pod          ✔ Running   7d   ready:1/1
      ├──□ payments-68b9c7d5f-v3c4x  Pod          ✔ Running   7d   ready:1/1
      └──□ payments-68b9c7d5f-z5l6k  Pod          ✔ Running   7d   ready:1/1
`),
    );
  });

  it('shows a crashing canary pod with its restarts', () => {
    const out = renderRollout(newRolloutInfo(loadFixture('canary-aborted.yaml')), { now: NOW });
    assert.match(out, /│     └──□ checkout-6d4f8b7c5-x2n8d  Pod         ✖ CrashLoopBackOff  30m  ready:0\/1,restarts:7\n/);
  });

  it('colours icons and tags without breaking the alignment', () => {
    const info = newRolloutInfo(loadFixture('canary-mid-step.yaml'));
    const coloured = renderRollout(info, { now: NOW, paint: painter(true) });
    assert.match(coloured, /\x1b\[33mcanary\x1b\[0m/);
    assert.equal(coloured.replace(/\x1b\[[0-9;]*m/g, ''), renderRollout(info, { now: NOW }));
  });
});

describe('list rollouts', () => {
  const infos = ['bluegreen-paused.yaml', 'canary-mid-step.yaml', 'canary-aborted.yaml'].map((f) => newRolloutInfo(loadFixture(f)));

  it('prints Argo columns, padded as Argo pads them', () => {
    assert.equal(
      renderRolloutList(infos, { allNamespaces: false, wide: false }),
      text(`
NAME            STRATEGY   STATUS        STEP  SET-WEIGHT  READY  DESIRED  UP-TO-DATE  AVAILABLE
bluegreen-demo  BlueGreen  Paused        -     -           6/6    3        3           3
canary-demo     Canary     Paused        3/5   50          8/8    5        3           8
checkout        Canary     Degraded      0/4   0           3/4    3        1           3
`),
    );
  });

  it('adds the namespace with -A and the message with -o wide', () => {
    const out = renderRolloutList(infos.slice(2), { allNamespaces: true, wide: true });
    assert.equal(
      out,
      text(`
NAMESPACE  NAME        STRATEGY   STATUS        STEP  SET-WEIGHT  READY  DESIRED  UP-TO-DATE  AVAILABLE  MESSAGE
demo       checkout    Canary     Degraded      0/4   0           3/4    3        1           3          RolloutAborted: Rollout aborted update to revision 3
`),
    );
  });
});

describe('column alignment', () => {
  it('pads every cell but the last to the widest plus two, counting code points', () => {
    assert.deepEqual(alignColumns(['a\t॥ x\tend', 'longer\tb\t']), ['a       ॥ x  end', 'longer  b']);
  });
});
