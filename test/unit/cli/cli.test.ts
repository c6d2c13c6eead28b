import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Rollout } from '../../../controller/api/index.ts';
import { KubeConfigError } from '../../../controller/kube/errors.ts';
import type { KubeObject } from '../../../controller/kube/resources.ts';
import { fixtureCluster, jumpingClock, run } from './cli-env.ts';
import { apiError, FakeKube, unreachable } from '../../support/fake-kube.ts';
import { fixtureText, loadFixture, NOW } from '../../support/rollout-fixtures.ts';

const cluster = fixtureCluster;

/** A FakeKube whose rollout turns Healthy after `after` reads. */
function healingCluster(fixture: string, after: number, phase: 'Healthy' | 'Degraded'): FakeKube {
  const kube = cluster(fixture);
  let reads = 0;
  const get = kube.get.bind(kube);
  kube.get = async <T,>(resource: Parameters<typeof get>[0], namespace: string | undefined, name: string): Promise<T> => {
    const obj = (await get(resource, namespace, name)) as unknown as Rollout;
    if (resource.plural === 'rollouts' && ++reads > after) {
      obj.status = { ...obj.status, phase, message: phase === 'Degraded' ? 'RolloutAborted: Rollout aborted update to revision 2' : '', pauseConditions: [], controllerPause: false };
    }
    return obj as unknown as T;
  };
  return kube;
}

describe('status exit codes', () => {
  it('exits 0 once the rollout is Healthy, printing each new status once', async () => {
    const result = await run(['status', 'canary-demo'], { kube: healingCluster('canary-mid-step.yaml', 2, 'Healthy') });
    assert.deepEqual(result, { code: 0, out: 'Paused - CanaryPauseStep\nHealthy\n', err: '' });
  });

  it('exits 1 when the rollout is Degraded', async () => {
    const result = await run(['status', 'canary-demo'], { kube: healingCluster('canary-mid-step.yaml', 1, 'Degraded') });
    assert.equal(result.code, 1);
    assert.equal(result.out, 'Paused - CanaryPauseStep\nDegraded - RolloutAborted: Rollout aborted update to revision 2\n');
    assert.equal(
      result.err,
      'error: The rollout is in a degraded state with message: RolloutAborted: Rollout aborted update to revision 2; see why with: kubectl ramp explain canary-demo\n',
    );
  });

  it('exits 2 when the timeout passes first', async () => {
    const clock = jumpingClock();
    const result = await run(['status', 'canary-demo', '--timeout', '5s'], { kube: cluster('canary-mid-step.yaml'), clock });
    assert.equal(result.code, 2);
    assert.equal(result.out, 'Paused - CanaryPauseStep\n');
    assert.equal(result.err, 'error: rollout "canary-demo" is still Paused after 5s: status watch exceeded timeout\n');
    assert.equal(clock.elapsed(), 5000);
  });

  it('without --watch prints the status once and exits 1 only when Degraded', async () => {
    assert.deepEqual(await run(['status', 'bluegreen-demo', '--no-watch'], { kube: cluster('bluegreen-paused.yaml') }), {
      code: 0,
      out: 'Paused - BlueGreenPause\n',
      err: '',
    });
    const degraded = await run(['status', 'checkout', '--no-watch'], { kube: cluster('canary-aborted.yaml') });
    assert.equal(degraded.code, 1);
    assert.equal(degraded.out, 'Degraded\n');
  });

  it('exits 130 when interrupted', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const result = await run(['status', 'canary-demo'], { kube: cluster('canary-mid-step.yaml'), signal: ctl.signal });
    assert.equal(result.code, 130);
  });

  it('rejects a bad --timeout before touching the cluster', async () => {
    const result = await run(['status', 'canary-demo', '--timeout', 'soon'], { kube: cluster('canary-mid-step.yaml') });
    assert.equal(result.code, 1);
    assert.match(result.err, /^error: invalid --timeout "soon": .*; use a duration such as 30s, 5m or 1h\n$/);
  });
});

describe('one-line errors', () => {
  it('names a missing rollout and how to list them', async () => {
    const result = await run(['get', 'rollout', 'x', '-n', 'y'], { kube: new FakeKube() });
    assert.deepEqual(result, { code: 1, out: '', err: 'error: rollout "x" not found in namespace "y"; list them with: kubectl ramp list rollouts -n y\n' });
  });

  it('relays a forbidden answer with what to ask for', async () => {
    const kube = cluster('canary-mid-step.yaml');
    kube.failNext(
      'patch',
      apiError(403, 'Forbidden', 'rollouts.argoproj.io "canary-demo" is forbidden: User "dev" cannot patch resource "rollouts/status" in API group "argoproj.io" in the namespace "demo"'),
    );
    const result = await run(['abort', 'canary-demo'], { kube });
    assert.equal(result.code, 1);
    assert.equal(
      result.err,
      'error: rollouts.argoproj.io "canary-demo" is forbidden: User "dev" cannot patch resource "rollouts/status" in API group "argoproj.io" in the namespace "demo"; ask a cluster administrator for a Role that allows it\n',
    );
  });

  it('says when the API server cannot be reached', async () => {
    const kube = new FakeKube();
    kube.failNext('list', unreachable('ECONNREFUSED'));
    const result = await run(['list', 'rollouts'], { kube });
    assert.equal(result.err, "error: cannot reach the API server at https://127.0.0.1:6443: connection refused; check that the cluster is running and that the kubeconfig's server address is right\n");
  });

  it('says when the Rollout kind is not installed', async () => {
    const kube = new FakeKube();
    kube.failNext('list', apiError(404, 'NotFound', 'the server could not find the requested resource'));
    const result = await run(['list', 'rollouts'], { kube });
    assert.equal(result.err, 'error: the cluster does not serve argoproj.io rollouts; install the Rollout CRDs first (crds/ in the Ramp repository)\n');
  });

  it('passes on what is wrong with the kubeconfig', async () => {
    const result = await run(['list', 'rollouts'], { connectError: new KubeConfigError('/k', 'context "prod" not found (known: dev)', { problem: { kind: 'unknown-context', where: '/k', context: 'prod', known: ['dev'] } }) });
    assert.deepEqual(result, { code: 1, out: '', err: 'error: context "prod" not found in kubeconfig "/k"; known contexts: dev\n' });
  });

  it('refuses to promote a fully promoted rollout', async () => {
    const kube = cluster('canary-mid-step.yaml');
    const ro = kube.object('rollouts', 'demo', 'canary-demo') as unknown as Rollout;
    ro.status = { ...ro.status, stableRS: ro.status?.currentPodHash, pauseConditions: [], phase: 'Healthy' };
    const result = await run(['promote', 'canary-demo'], { kube });
    assert.deepEqual(result, { code: 1, out: '', err: 'error: rollout "canary-demo" is already fully promoted and not paused; nothing to promote\n' });
    assert.deepEqual(kube.patches(), []);
  });

  it('names a file it cannot read', async () => {
    assert.deepEqual(await run(['lint', 'missing.yaml']), { code: 1, out: '', err: 'error: cannot read "missing.yaml": no such file\n' });
  });

  it('rejects a malformed set image argument', async () => {
    const result = await run(['set', 'image', 'web', 'nginx'], { kube: new FakeKube() });
    assert.equal(result.err, 'error: expected CONTAINER=IMAGE, got "nginx"; e.g. kubectl ramp set image web app=registry.example/app:2.0\n');
  });

  it('prints usage errors from the parser and exits 1', async () => {
    const result = await run(['promote']);
    assert.equal(result.code, 1);
    assert.match(result.err, /missing required argument 'name'/);
  });
});

describe('commands', () => {
  it('get rollout prints the tree, -o json the view model', async () => {
    const kube = cluster('bluegreen-paused.yaml');
    const tree = await run(['get', 'rollout', 'bluegreen-demo'], { kube });
    assert.equal(tree.code, 0);
    assert.match(tree.out, /^Name: {12}bluegreen-demo\n/);
    assert.match(tree.out, /│  └──⧉ bluegreen-demo-74b948fccb {11}ReplicaSet  ✔ Healthy {5}7d {3}preview\n/);
    const json = JSON.parse((await run(['get', 'ro', 'bluegreen-demo', '-o', 'json'], { kube })).out) as { status: string; replicaSets: unknown[] };
    assert.equal(json.status, 'Paused');
    assert.equal(json.replicaSets.length, 3);
  });

  it('get rollout --watch draws frames until the timeout', async () => {
    const result = await run(['get', 'rollout', 'bluegreen-demo', '-w', '--timeout-seconds', '3'], { kube: cluster('bluegreen-paused.yaml'), isTTY: true });
    assert.equal(result.code, 0);
    assert.equal(result.out.match(/^Name:/gm)?.length, 1, 'an unchanged frame is not redrawn');
  });

  it('list rollouts -A lists every namespace', async () => {
    const kube = cluster('canary-aborted.yaml');
    kube.put({ ...loadFixture('bluegreen-paused.yaml').rollout, metadata: { ...loadFixture('bluegreen-paused.yaml').rollout.metadata, namespace: 'other' } } as unknown as KubeObject);
    const result = await run(['list', 'rollouts', '-A'], { kube });
    assert.deepEqual(result.out.split('\n').map((l) => l.split(/\s+/)[0]), ['NAMESPACE', 'demo', 'other', '']);
  });

  it('promote, abort, retry, pause, resume, restart, undo and set image print what they did', async () => {
    const kube = cluster('canary-mid-step.yaml');
    const says = async (argv: string[]) => (await run(argv, { kube })).out;
    assert.equal(await says(['promote', 'canary-demo']), "rollout 'canary-demo' promoted\n");
    assert.equal(await says(['promote', 'canary-demo', '--full']), "rollout 'canary-demo' fully promoted\n");
    assert.equal(await says(['abort', 'canary-demo']), "rollout 'canary-demo' aborted\n");
    assert.equal(await says(['retry', 'rollout', 'canary-demo']), "rollout 'canary-demo' retried\n");
    assert.equal(await says(['pause', 'canary-demo']), "rollout 'canary-demo' paused\n");
    assert.equal(await says(['resume', 'canary-demo']), "rollout 'canary-demo' resumed\n");
    assert.equal(await says(['restart', 'canary-demo', '--in', '10s']), "rollout 'canary-demo' restarts in 10s\n");
    assert.equal(await says(['set', 'image', 'canary-demo', 'canary-demo=argoproj/rollouts-demo:red']), 'rollout "canary-demo" image updated\n');
    assert.equal(await says(['undo', 'canary-demo']), "rollout 'canary-demo' undo\n");
    const ro = kube.object('rollouts', 'demo', 'canary-demo') as unknown as Rollout;
    assert.equal(ro.spec.restartAt, '2025-01-10T12:00:10Z');
    assert.equal(ro.spec.template?.spec?.containers[0]?.image, 'argoproj/rollouts-demo:blue');
  });

  it('explain prints plain sentences', async () => {
    const result = await run(['explain', 'checkout'], { kube: cluster('canary-aborted.yaml') });
    assert.match(result.out, /^Rollout "checkout" in namespace "demo" is Degraded \(canary, revision 3\)\.\n/);
  });

  it('create checks the file and creates each object in its namespace', async () => {
    const kube = new FakeKube();
    const manifest = fixtureText('canary-mid-step.yaml').split('\n---\n')[0]!;
    const result = await run(['create', '-f', 'ro.yaml'], { kube, files: { 'ro.yaml': manifest } });
    assert.deepEqual(result, { code: 0, out: 'rollout.argoproj.io/canary-demo created\n', err: '' });
    assert.equal(kube.calls.find((c) => c.verb === 'create')?.namespace, 'demo');
  });

  it('create takes -f more than once, checks every file before creating anything, and -w watches what it created', async () => {
    const manifest = fixtureText('canary-mid-step.yaml').split('\n---\n')[0]!;
    const second = manifest.replaceAll('canary-demo', 'canary-two');
    const files = { 'a.yaml': manifest, 'b.yaml': second, 'bad.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\n' };
    const refused = new FakeKube();
    const bad = await run(['create', '-f', 'a.yaml', '-f', 'bad.yaml'], { kube: refused, files });
    assert.equal(bad.code, 1);
    assert.match(bad.err, /bad\.yaml: document 1 is a v1 Service/);
    assert.deepEqual(refused.calls.filter((c) => c.verb === 'create'), [], 'a bad second file creates nothing');

    const one = await run(['create', '-f', 'a.yaml', '-w'], { kube: new FakeKube(), files, signal: AbortSignal.abort() });
    assert.equal(one.code, 0, one.err);
    assert.equal(one.out, 'rollout.argoproj.io/canary-demo created\n', 'the watch ends at once when interrupted');
    const stop = new AbortController();
    const kube = new FakeKube();
    const listAll = kube.listAll.bind(kube);
    let lists = 0;
    kube.listAll = async (type, opts) => {
      if (++lists === 2) stop.abort();
      return listAll(type, opts);
    };
    const both = await run(['create', '-f', 'a.yaml', '-f', 'b.yaml', '--watch'], { kube, files, signal: stop.signal });
    assert.equal(both.code, 0, both.err);
    assert.match(both.out, /rollout\.argoproj\.io\/canary-demo created\nrollout\.argoproj\.io\/canary-two created\nNAME .*\ncanary-demo .*\ncanary-two /);
  });

  it('version prints the plugin version', async () => {
    assert.equal((await run(['version', '--short'])).out, 'kubectl-ramp: v0.1.0\n');
  });
});

describe('list rollouts --watch and --timestamps', () => {
  /** A cluster whose rollout is scaled to 7 on the third list, interrupted on the fifth. */
  function changingCluster(): { kube: FakeKube; signal: AbortSignal } {
    const kube = cluster('canary-mid-step.yaml');
    const stop = new AbortController();
    let lists = 0;
    const listAll = kube.listAll.bind(kube);
    kube.listAll = async (type, opts) => {
      lists++;
      if (lists === 3) await kube.mergePatch(type, 'demo', 'canary-demo', { spec: { replicas: 7 } });
      if (lists === 5) stop.abort();
      return listAll(type, opts);
    };
    return { kube, signal: stop.signal };
  }

  it('prints the header once and then each row that changed, with the time it changed, off a terminal (as Argo)', async () => {
    const { kube, signal } = changingCluster();
    const clock = jumpingClock();
    const result = await run(['list', 'rollouts', '-w', '--timestamps'], { kube, signal, clock });
    assert.equal(result.code, 0, result.err);
    const lines = result.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^TIMESTAMP\s+NAME\s+STRATEGY\s+STATUS/);
    assert.equal(lines.length, 3, `header, the first row, the changed row:\n${result.out}`);
    const stamp = (line: string) => line.split(/\s+/)[0];
    const desired = (line: string) => line.trim().split(/\s+/)[7];
    assert.match(lines[1]!, /canary-demo\s+Canary\s+Paused/);
    assert.notEqual(desired(lines[1]!), '7');
    assert.equal(desired(lines[2]!), '7', 'the row printed again with its new DESIRED');
    assert.equal(stamp(lines[1]!), new Date(Math.floor(NOW / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    assert.ok(stamp(lines[2]!)! > stamp(lines[1]!)!, 'the changed row carries the later time');
  });

  it('redraws the table in place on a terminal', async () => {
    const { kube, signal } = changingCluster();
    const result = await run(['list', 'rollouts', '-w'], { kube, signal, isTTY: true });
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out.match(/NAME\s+STRATEGY/g)?.length, 2, 'drawn once, redrawn once when the row changed');
    assert.match(result.out, /\x1b\[2F\x1b\[0J/, 'the cursor goes back over the two lines of the old table');
  });

  it('--timestamps without --watch stamps the rows with now; --watch refuses -o json', async () => {
    const listed = await run(['list', 'rollouts', '--timestamps'], { kube: cluster('canary-mid-step.yaml') });
    assert.match(listed.out, /^TIMESTAMP\s+NAME/);
    const refused = await run(['list', 'rollouts', '-w', '-o', 'json'], { kube: cluster('canary-mid-step.yaml') });
    assert.equal(refused.code, 1);
    assert.match(refused.err, /--watch prints tables/);
  });
});
