import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../controller/kube/resources.ts';
import { FakeKube } from '../../support/fake-kube.ts';
import { run } from './cli-env.ts';

const rollout = (namespace: string, name: string): KubeObject =>
  ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { namespace, name } }) as KubeObject;
const experiment = (namespace: string, name: string): KubeObject =>
  ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment', metadata: { namespace, name } }) as KubeObject;
const kube = (): FakeKube => new FakeKube([rollout('demo', 'checkout'), rollout('demo', 'cart'), rollout('shop', 'search'), experiment('demo', 'checkout-abc-2-1')]);

/** The candidates `__complete` answers for `words` (the last one is being completed), and its directive. */
async function complete(words: string[], options: Parameters<typeof run>[1] = { kube: kube() }): Promise<{ candidates: string[]; directive: string }> {
  const { code, out } = await run(['__complete', ...words], options);
  assert.equal(code, 0);
  const lines = out.trimEnd().split('\n');
  return { candidates: lines.slice(0, -1), directive: lines.at(-1)! };
}

describe('__complete: cobra\'s completion protocol, as kubectl\'s plugin completion calls it', () => {
  it('completes verbs, then subcommands, then flags of the command and its parents', async () => {
    assert.deepEqual((await complete(['pro'])).candidates, ['promote']);
    assert.ok((await complete([''])).candidates.includes('completion'));
    assert.ok(!(await complete([''])).candidates.includes('__complete'), 'the protocol verb is not offered');
    assert.deepEqual((await complete(['get', ''])).candidates, ['experiment', 'rollout']);
    const flags = (await complete(['get', 'rollout', '--w'])).candidates;
    assert.deepEqual(flags, ['--watch']);
    assert.ok((await complete(['get', 'rollout', '--n'])).candidates.includes('--namespace'), 'global flags too');
    assert.deepEqual((await complete(['list', 'rollouts', '-o', ''])).candidates, ['json', 'yaml', 'wide']);
    assert.equal((await complete(['pro'])).directive, ':4', 'no file completion');
  });

  it('completes rollout names from the namespace the typed flags name, and namespaces after -n', async () => {
    assert.deepEqual((await complete(['promote', ''])).candidates, ['cart', 'checkout']);
    assert.deepEqual((await complete(['promote', 'ch'])).candidates, ['checkout']);
    assert.deepEqual((await complete(['-n', 'shop', 'get', 'rollout', ''])).candidates, ['search']);
    assert.deepEqual((await complete(['get', 'ro', '--namespace=shop', ''])).candidates, ['search']);
    assert.deepEqual((await complete(['set', 'image', 'checkout', ''])).candidates, [], 'the second argument is not a rollout');
    assert.deepEqual((await complete(['abort', 'cart', 'ch'])).candidates, ['checkout'], 'every word of a variadic list of rollouts');
    assert.deepEqual((await complete(['get', 'experiment', ''])).candidates, ['checkout-abc-2-1'], 'experiment names where an experiment is named');
    assert.deepEqual((await complete(['terminate', 'exp', 'x', 'ch'])).candidates, ['checkout-abc-2-1']);
  });

  it('asks the shell for files after -f and completes nothing, quietly, when the cluster cannot be reached', async () => {
    assert.deepEqual(await complete(['create', '-f', '']), { candidates: [], directive: ':0' });
    const offline = await run(['__complete', 'promote', ''], { connectError: new Error('kubeconfig missing') });
    assert.deepEqual({ code: offline.code, out: offline.out, err: offline.err }, { code: 0, out: ':4\n', err: '' });
  });
});

describe('completion scripts', () => {
  it('prints one per shell and refuses others', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) assert.match((await run(['completion', shell])).out, /__complete/);
    const bad = await run(['completion', 'tcsh']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /unknown shell "tcsh": use one of bash, zsh, fish/);
  });

  it('the bash script fills COMPREPLY from the plugin\'s answers when run in bash', async () => {
    const { out: script } = await run(['completion', 'bash']);
    const dir = mkdtempSync(join(tmpdir(), 'ramp-completion-'));
    // A stand-in plugin answering as __complete does, so this test needs no cluster.
    const plugin = join(dir, 'kubectl-ramp');
    writeFileSync(plugin, '#!/bin/sh\nif [ "$1" = __complete ] && [ "$2" = promote ]; then printf "cart\\ncheckout\\n:4\\n"; else printf "promote\\npause\\n:4\\n"; fi\n');
    chmodSync(plugin, 0o755);
    writeFileSync(join(dir, 'completion.bash'), script);
    const bash = (words: string, cword: number): string[] => {
      const result = spawnSync('bash', ['-c', `source ${dir}/completion.bash; COMP_WORDS=(${words}); COMP_CWORD=${cword}; _kubectl_ramp; printf '%s\\n' "\${COMPREPLY[@]}"`], {
        env: { PATH: `${dir}:${process.env.PATH}` },
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.split('\n').filter((l) => l !== '');
    };
    assert.deepEqual(bash('kubectl-ramp p', 1), ['promote', 'pause']);
    assert.deepEqual(bash('kubectl-ramp pr', 1), ['promote']);
    assert.deepEqual(bash('kubectl-ramp promote ch', 2), ['checkout']);
    assert.deepEqual(bash('kubectl-ramp promote ""', 2), ['cart', 'checkout']);
  });
});
