import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { fixtureCluster, jumpingClock, run } from './cli-env.ts';
import { fixtureText } from '../../support/rollout-fixtures.ts';

/** `-o json|yaml` on every command that prints a table, tree or text: the field names docs/cli.md lists. */

const cluster = fixtureCluster;

const json = (out: string): Record<string, unknown> => JSON.parse(out) as Record<string, unknown>;

describe('-o json|yaml', () => {
  it('explain: the summary, details, experiments, analysis and pods as fields, the same in YAML', async () => {
    const kube = cluster('canary-aborted.yaml');
    const out = json((await run(['explain', 'checkout', '-o', 'json'], { kube })).out);
    assert.deepEqual(Object.keys(out), ['name', 'namespace', 'status', 'summary', 'details', 'experiments', 'analysis', 'pods']);
    assert.equal(out.name, 'checkout');
    assert.equal(out.status, 'Degraded');
    assert.match(out.summary as string, /^Rollout "checkout" in namespace "\S+" is Degraded/);
    const text = (await run(['explain', 'checkout'], { kube })).out;
    for (const line of [out.summary, ...(out.details as string[])] as string[]) assert.ok(text.includes(line), `the text says it too: ${line}`);
    assert.deepEqual(parse((await run(['explain', 'checkout', '-o', 'yaml'], { kube })).out), out);
  });

  it('status --no-watch: one document with name, namespace, status and message', async () => {
    const kube = cluster('bluegreen-paused.yaml');
    const result = await run(['status', 'bluegreen-demo', '--no-watch', '-o', 'json'], { kube });
    assert.equal(result.code, 0);
    const out = json(result.out);
    assert.deepEqual(Object.keys(out), ['name', 'namespace', 'status', 'message']);
    assert.equal(out.status, 'Paused');
  });

  it('status while watching: one JSON line, or one YAML document, per change; exit codes unchanged', async () => {
    const lines = await run(['status', 'canary-demo', '--timeout', '5s', '-o', 'json'], { kube: cluster('canary-mid-step.yaml'), clock: jumpingClock() });
    assert.equal(lines.code, 2);
    assert.deepEqual(lines.out.trimEnd().split('\n').map((l) => JSON.parse(l) as { status: string }).map((r) => r.status), ['Paused']);
    const docs = await run(['status', 'canary-demo', '--timeout', '5s', '-o', 'yaml'], { kube: cluster('canary-mid-step.yaml'), clock: jumpingClock() });
    assert.deepEqual(parseAllDocuments(docs.out).map((d) => (d.toJS() as { message: string }).message), ['CanaryPauseStep']);
  });

  it('plan: the rows with their replica counts, traffic and selectors', async () => {
    const files = { 'bg.yaml': fixtureText('bluegreen-paused.yaml').split('\n---\n')[0]! };
    const result = await run(['plan', 'bg.yaml', '-o', 'yaml'], { files });
    assert.equal(result.code, 0);
    const plan = parse(result.out) as { name: string; strategy: string; replicas: number; services: string[]; rows: Array<Record<string, unknown>> };
    assert.equal(plan.name, 'bluegreen-demo');
    assert.equal(plan.strategy, 'BlueGreen');
    assert.ok(plan.rows.length > 0);
    assert.deepEqual(Object.keys(plan.rows[0]!).filter((k) => k !== 'note'), ['step', 'action', 'newPods', 'oldPods', 'newTraffic', 'oldTraffic', 'selectors']);
  });

  it('lint: the file, its objects and each issue with line, column and field; exit 1 on issues as without -o', async () => {
    const result = await run(['lint', '-f', 'f.yaml', '-o', 'json'], { files: { 'f.yaml': fixtureText('lint-invalid.yaml') } });
    assert.equal(result.code, 1);
    const out = json(result.out) as { file: string; objects: string[]; issues: Array<{ line: number; col: number; field: string; message: string }> };
    assert.equal(out.file, 'f.yaml');
    assert.ok(out.issues.length > 0);
    assert.ok(out.issues.every((i) => typeof i.line === 'number' && typeof i.col === 'number' && typeof i.message === 'string'));
    const clean = await run(['lint', 'bg.yaml', '-o', 'yaml'], { files: { 'bg.yaml': fixtureText('bluegreen-paused.yaml').split('\n---\n')[0]! } });
    assert.deepEqual(parse(clean.out), { file: 'bg.yaml', issues: [], objects: ['Rollout/bluegreen-demo'] });
  });

  it('refuses an unknown format, and -o with get rollout --watch', async () => {
    assert.match((await run(['explain', 'checkout', '-o', 'xml'], { kube: cluster('canary-aborted.yaml') })).err, /unknown output format "xml"; use one of: json, yaml/);
    const watched = await run(['get', 'rollout', 'bluegreen-demo', '-w', '-o', 'json'], { kube: cluster('bluegreen-paused.yaml') });
    assert.equal(watched.code, 1);
    assert.match(watched.err, /--watch draws the tree; leave out -o json/);
  });
});
