import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException, wrapHttpLibrary } from '@kubernetes/client-node';
import { describeError, describeUnreachable } from '../../../controller/cli/errors.ts';
import { KubeClient } from '../../../controller/kube/client.ts';
import { KubeApiError, KubeConfigError, KubeRequestError, wrapKubeError } from '../../../controller/kube/errors.ts';
import { loadKubeConfig } from '../../../controller/kube/kubeconfig.ts';
import { ROLLOUTS } from '../../../controller/kube/resources.ts';
import { colorEnabled } from '../../../controller/cli/render/color.ts';
import { FrameWriter, poll } from '../../../controller/cli/watch.ts';
import { jumpingClock } from './cli-env.ts';

const KUBECONFIG = `
apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: {cluster: local, user: admin, namespace: team-a}
- name: bare
  context: {cluster: local, user: admin}
- name: broken
  context: {cluster: nowhere, user: admin}
clusters:
- name: local
  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: abc}
`;

function load(opts: { path?: string; context?: string; files?: Record<string, string>; env?: Record<string, string> }) {
  const files = opts.files ?? { '/k/config': KUBECONFIG };
  const kc = loadKubeConfig({
    ...(opts.path !== undefined ? { path: opts.path } : {}),
    ...(opts.context !== undefined ? { context: opts.context } : {}),
    env: opts.env ?? { HOME: '/home/u' },
    files: {
      readFile: (p) => {
        const text = files[p];
        if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return text;
      },
      exists: (p) => p in files,
    },
  });
  return { context: kc.getCurrentContext(), namespace: new KubeClient(kc).contextNamespace };
}

describe('kubeconfig loading', () => {
  it('takes the namespace from the current context, "default" when it has none', () => {
    assert.equal(load({ path: '/k/config' }).namespace, 'team-a');
    assert.equal(load({ path: '/k/config', context: 'bare' }).namespace, 'default');
  });

  it('reads KUBECONFIG when no flag is given', () => {
    assert.equal(load({ env: { KUBECONFIG: '/k/config' } }).context, 'dev');
  });

  const failures: [string, Parameters<typeof load>[0], string][] = [
    ['a missing file', { path: '/nope' }, 'cannot read kubeconfig "/nope": no such file; pass --kubeconfig or set KUBECONFIG to a valid file'],
    ['an unknown context', { path: '/k/config', context: 'prod' }, 'context "prod" not found in kubeconfig "/k/config"; known contexts: dev, bare, broken'],
    ['a context naming a missing cluster', { path: '/k/config', context: 'broken' }, 'context "broken" in kubeconfig "/k/config" names cluster "nowhere", which the kubeconfig does not define'],
    ['no kubeconfig at all', { env: { HOME: '/home/u' }, files: {} }, 'no kubeconfig found at "/home/u/.kube/config"; pass --kubeconfig or set KUBECONFIG'],
    ['a file that is not YAML', { path: '/k/bad', files: { '/k/bad': 'clusters: [' } }, 'kubeconfig "/k/bad" is not valid: '],
  ];
  for (const [name, opts, message] of failures) {
    it(`explains ${name}`, () => {
      assert.throws(
        () => load(opts),
        (err: unknown) => err instanceof KubeConfigError && describeError(err).startsWith(message),
      );
    });
  }
});

describe('client-node errors', () => {
  it('reads the Status body of an API error', () => {
    const body = JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'rollouts.argoproj.io "x" not found', details: { name: 'x', group: 'argoproj.io', kind: 'rollouts' } });
    const err = wrapKubeError(new ApiException(404, 'Unknown API Status Code!', body, {}), { verb: 'get', group: 'argoproj.io', resource: 'rollouts', name: 'x' });
    assert.ok(err instanceof KubeApiError);
    assert.deepEqual([err.statusCode, err.reason, err.serverMessage, err.details.name], [404, 'NotFound', 'rollouts.argoproj.io "x" not found', 'x']);
  });

  it('turns a refused connection into an unreachable error naming the server', async () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const refusing = wrapHttpLibrary({
      send: () => Promise.reject(Object.assign(new Error('request failed'), { name: 'FetchError', cause })),
    });
    const kc = loadKubeConfig({ path: '/k/config', env: {}, files: { readFile: () => KUBECONFIG, exists: () => true } });
    const err = await new KubeClient(kc, { http: refusing }).get(ROLLOUTS, 'demo', 'x').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof KubeRequestError);
    assert.equal(describeUnreachable(err), 'cannot reach the API server at https://127.0.0.1:6443: connection refused');
  });
});

describe('terminal output', () => {
  it('colours only a terminal without NO_COLOR, TERM=dumb or --no-color', () => {
    assert.equal(colorEnabled({ isTTY: true, env: {}, noColorFlag: false }), true);
    assert.equal(colorEnabled({ isTTY: false, env: {}, noColorFlag: false }), false);
    assert.equal(colorEnabled({ isTTY: true, env: { NO_COLOR: '1' }, noColorFlag: false }), false);
    assert.equal(colorEnabled({ isTTY: true, env: { TERM: 'dumb' }, noColorFlag: false }), false);
    assert.equal(colorEnabled({ isTTY: true, env: {}, noColorFlag: true }), false);
  });

  it('redraws a frame in place on a terminal and skips unchanged frames', () => {
    let out = '';
    const frames = new FrameWriter({ out: (s) => (out += s), err: () => {}, isTTY: true, rows: 10 });
    frames.draw('a\nb\n');
    frames.draw('a\nb\n');
    frames.draw('c\n');
    assert.equal(out, 'a\nb\n\x1b[2F\x1b[0Jc\n');
  });

  it('clears the screen when the previous frame was taller than it', () => {
    let out = '';
    const frames = new FrameWriter({ out: (s) => (out += s), err: () => {}, isTTY: true, rows: 2 });
    frames.draw('1\n2\n3\n');
    frames.draw('x\n');
    assert.equal(out, '1\n2\n3\n\x1b[H\x1b[2Jx\n');
  });

  it('polls every second until done', async () => {
    const clock = jumpingClock(0);
    let n = 0;
    const end = await poll({ fetch: async () => ++n, onValue: (v) => v === 3, clock, signal: new AbortController().signal });
    assert.deepEqual([end, clock.elapsed()], ['done', 2000]);
  });
});
