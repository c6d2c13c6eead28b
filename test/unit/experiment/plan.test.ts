import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { AnalysisRun, AnalysisTemplate, Experiment } from '../../../controller/api/index.ts';
import { validateExperiment } from '../../../controller/api/validation/index.ts';
import { planExperiment, planInvalidExperiment } from '../../../controller/experiment/plan.ts';
import type { ExperimentPlan, ExperimentWorld } from '../../../controller/experiment/types.ts';

/**
 * The Experiment plan over a fake world: each step applies the plan's writes and status to the
 * world as the apiserver would, and pods become available when `podsReady` (as kwok makes them).
 */

const T0 = Date.parse('2026-01-01T00:00:00Z');

function template(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    replicas: 2,
    selector: { matchLabels: { app: 'demo', variant: name } },
    template: {
      metadata: { labels: { app: 'demo', variant: name } },
      spec: { containers: [{ name: 'app', image: `registry.local/app:${name}`, ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
    ...extra,
  };
}

function experiment(spec: Record<string, unknown>): Experiment {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Experiment',
    metadata: { name: 'exp', namespace: 'ns', uid: 'uid-exp', resourceVersion: '1' },
    spec: { templates: [template('baseline'), template('canary')], ...spec },
  } as Experiment;
}

const passTemplate: AnalysisTemplate = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: 'check', namespace: 'ns' },
  spec: { args: [{ name: 'hash' }], metrics: [{ name: 'm', provider: { web: { url: 'http://x/{{args.hash}}' } } }] },
} as AnalysisTemplate;

class FakeWorld {
  replicaSets = new Map<string, V1ReplicaSet>();
  services = new Map<string, V1Service>();
  runs = new Map<string, AnalysisRun>();
  podsReady = true;
  now = T0;
  constructor(public ex: Experiment) {}

  world(): ExperimentWorld {
    return {
      experiment: this.ex,
      replicaSets: new Map([...this.replicaSets].map(([, rs]) => [rs.metadata!.annotations!['experiment.argoproj.io/template-name']!, rs])),
      services: new Map([...this.services].map(([, s]) => [s.metadata!.annotations!['experiment.argoproj.io/template-name']!, s])),
      runs: this.runs,
      analysisTemplates: { templates: new Map([['check', passTemplate]]), clusterTemplates: new Map() },
      now: new Date(this.now),
    };
  }

  /** One pass: plan, then the apiserver and the ReplicaSet controller catch up. */
  step(): ExperimentPlan {
    const plan = planExperiment(this.world());
    for (const a of plan.actions) {
      if (a.kind === 'createReplicaSet') this.replicaSets.set(a.replicaSet.metadata!.name!, structuredClone(a.replicaSet));
      if (a.kind === 'scaleReplicaSet') this.replicaSets.get(a.name)!.spec!.replicas = a.to;
      if (a.kind === 'setScaleDownDeadline') {
        const annotations = this.replicaSets.get(a.name)!.metadata!.annotations!;
        if (a.deadline === null) delete annotations['scale-down-deadline'];
        else annotations['scale-down-deadline'] = a.deadline;
      }
      if (a.kind === 'createService') this.services.set(a.service.metadata!.name!, a.service);
      if (a.kind === 'deleteService') this.services.delete(a.name);
      if (a.kind === 'createAnalysisRun') this.runs.set(a.run.metadata.name!, structuredClone(a.run));
      if (a.kind === 'terminateAnalysisRun') this.runs.get(a.name)!.spec.terminate = true;
    }
    for (const rs of this.replicaSets.values()) {
      const n = rs.spec?.replicas ?? 0;
      rs.status = { replicas: n, readyReplicas: this.podsReady ? n : 0, availableReplicas: this.podsReady ? n : 0 };
    }
    this.ex = { ...this.ex, status: plan.status };
    return plan;
  }

  /** Steps until `done`, at most 20 passes. */
  until(done: (plan: ExperimentPlan) => boolean, advanceMs = 0): ExperimentPlan {
    for (let i = 0; i < 20; i++) {
      const plan = this.step();
      if (done(plan)) return plan;
      this.now += advanceMs;
    }
    assert.fail(`not reached; phase ${this.ex.status?.phase}`);
  }
}

const templateStatus = (f: FakeWorld, name: string) => f.ex.status?.templateStatuses?.find((t) => t.name === name);

describe('Experiment plan', () => {
  test('a new experiment creates one empty ReplicaSet per template, named, hashed and owned as Argo does', () => {
    const f = new FakeWorld(experiment({ duration: '1m' }));
    const plan = f.step();
    assert.equal(plan.status.phase, 'Pending');
    const created = plan.actions.flatMap((a) => (a.kind === 'createReplicaSet' ? [a.replicaSet] : []));
    assert.deepEqual(created.map((rs) => rs.metadata?.name), ['exp-baseline', 'exp-canary']);
    const rs = created[0]!;
    const hash = rs.metadata!.labels!['rollouts-pod-template-hash']!;
    assert.match(hash, /^[a-z0-9]+$/);
    assert.equal(rs.spec?.replicas, 0);
    assert.deepEqual(rs.spec?.selector?.matchLabels, { app: 'demo', variant: 'baseline', 'rollouts-pod-template-hash': hash });
    assert.equal(rs.spec?.template?.metadata?.labels?.['rollouts-pod-template-hash'], hash);
    assert.deepEqual(rs.metadata?.ownerReferences?.[0], { apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment', name: 'exp', uid: 'uid-exp', controller: true, blockOwnerDeletion: true });
  });

  test('templates scale up, become available, start the clock, and after the duration end Successful scaled to zero', () => {
    const f = new FakeWorld(experiment({ duration: '1m', scaleDownDelaySeconds: 10 }));
    f.step();
    const scaled = f.step();
    assert.deepEqual(scaled.actions.filter((a) => a.kind === 'scaleReplicaSet').map((a) => a.kind === 'scaleReplicaSet' && a.to), [2, 2]);
    assert.equal(templateStatus(f, 'baseline')?.status, 'Progressing');
    const running = f.until((p) => p.status.phase === 'Running');
    assert.ok(running.status.availableAt, 'availableAt is set once every template is available');
    assert.equal(templateStatus(f, 'canary')?.status, 'Running');
    assert.ok(running.requeueAfterMs !== undefined && running.requeueAfterMs <= 60_001, 'comes back when the duration ends');

    f.now += 61_000;
    const done = f.until((p) => p.status.phase === 'Successful');
    assert.equal(done.status.conditions?.find((c) => c.type === 'Progressing')?.reason, 'ExperimentCompleted');
    assert.ok(done.events.some((e) => e.reason === 'ExperimentSuccessful'));
    // Held for scaleDownDelaySeconds, then scaled to zero.
    f.step();
    assert.equal(f.replicaSets.get('exp-baseline')?.spec?.replicas, 2);
    assert.ok(f.replicaSets.get('exp-baseline')?.metadata?.annotations?.['scale-down-deadline']);
    f.now += 11_000;
    f.step();
    assert.equal(f.replicaSets.get('exp-baseline')?.spec?.replicas, 0);
    assert.equal(f.replicaSets.get('exp-canary')?.spec?.replicas, 0);
  });

  test('a template with service: {} gets a Service named after its ReplicaSet, deleted once its pods are gone', () => {
    const ex = experiment({ duration: '1m', scaleDownDelaySeconds: 0, templates: [template('baseline', { service: {} }), template('canary', { service: { name: 'canary-svc' } })] });
    const f = new FakeWorld(ex);
    f.until((p) => p.status.phase === 'Running');
    assert.deepEqual([...f.services.keys()].sort(), ['canary-svc', 'exp-baseline']);
    const svc = f.services.get('exp-baseline')!;
    const rs = f.replicaSets.get('exp-baseline')!;
    assert.deepEqual(svc.spec?.selector, rs.metadata?.labels);
    assert.deepEqual(svc.spec?.ports, [{ name: 'http', protocol: 'TCP', port: 8080, targetPort: 8080 }]);
    assert.equal(templateStatus(f, 'baseline')?.serviceName, 'exp-baseline');
    f.now += 61_000;
    f.until(() => f.services.size === 0);
  });

  test('a template not available within progressDeadlineSeconds fails the experiment', () => {
    const f = new FakeWorld(experiment({ progressDeadlineSeconds: 30 }));
    f.podsReady = false;
    // The clock runs from the template's last change (its pod counts stop moving once the pods exist).
    const failed = f.until((p) => p.status.phase === 'Failed', 31_000);
    assert.match(failed.status.message ?? '', /Template 'baseline' exceeded its progressDeadlineSeconds \(30\)/);
    assert.ok(failed.events.some((e) => e.reason === 'TemplateFailed' && e.type === 'Warning'));
  });

  test('terminate: true scales the templates down and ends Successful', () => {
    const f = new FakeWorld(experiment({ scaleDownDelaySeconds: 0 }));
    f.until((p) => p.status.phase === 'Running');
    f.ex = { ...f.ex, spec: { ...f.ex.spec, terminate: true } };
    f.until((p) => p.status.phase === 'Successful');
    f.step();
    assert.equal(f.replicaSets.get('exp-canary')?.spec?.replicas, 0);
  });

  test('an analysis runs once the templates are available, with the template hash as argument, and its failure fails the experiment', () => {
    const f = new FakeWorld(
      experiment({
        duration: '1h',
        dryRun: [{ metricName: 'other' }],
        analyses: [{ name: 'check', templateName: 'check', args: [{ name: 'hash', value: '{{templates.canary.podTemplateHash}}' }] }],
      }),
    );
    f.until((p) => p.status.phase === 'Running');
    const created = f.until((p) => p.actions.some((a) => a.kind === 'createAnalysisRun'));
    const run = f.runs.get('exp-check')!;
    assert.ok(run, 'named <experiment>-<analysis>');
    assert.equal(run.spec.args?.[0]?.value, f.replicaSets.get('exp-canary')!.metadata!.labels!['rollouts-pod-template-hash']);
    assert.deepEqual(run.spec.dryRun, [{ metricName: 'other' }]);
    assert.equal(run.metadata.ownerReferences?.[0]?.kind, 'Experiment');
    assert.deepEqual(created.status.analysisRuns, [{ name: 'check', analysisRun: 'exp-check', phase: 'Pending' }]);

    run.status = { phase: 'Failed', message: 'metric "m" assessed Failed' };
    const failed = f.until((p) => p.status.phase === 'Failed');
    assert.equal(failed.status.message, 'metric "m" assessed Failed');
    assert.ok(failed.events.some((e) => e.reason === 'AnalysisRunFailed'));
    f.step();
    assert.equal(f.replicaSets.get('exp-canary')?.metadata?.annotations?.['scale-down-deadline'] !== undefined, true, 'the templates go down');
  });

  test('retry (status cleared): the templates come back and a new run is created beside the completed one, as Argo\'s collision counter names it', () => {
    const f = new FakeWorld(experiment({ duration: '1h', analyses: [{ name: 'check', templateName: 'check', args: [{ name: 'hash', value: 'x' }] }] }));
    f.until((p) => p.actions.some((a) => a.kind === 'createAnalysisRun'));
    f.runs.get('exp-check')!.status = { phase: 'Failed', message: 'metric "m" assessed Failed' };
    f.until((p) => p.status.phase === 'Failed');
    f.step();

    f.ex = { ...f.ex, status: undefined } as Experiment;
    f.until((p) => p.status.phase === 'Running');
    const created = f.until((p) => p.actions.some((a) => a.kind === 'createAnalysisRun'));
    assert.deepEqual(created.status.analysisRuns, [{ name: 'check', analysisRun: 'exp-check.1', phase: 'Pending' }]);
    assert.equal(f.runs.get('exp-check')?.status?.phase, 'Failed', 'the completed run is left as it was');
    assert.ok((f.replicaSets.get('exp-canary')?.spec?.replicas ?? 0) > 0, 'the templates run again');
  });

  test('a running run of this experiment is taken up again when the status lost it', () => {
    const f = new FakeWorld(experiment({ duration: '1h', analyses: [{ name: 'check', templateName: 'check', args: [{ name: 'hash', value: 'x' }] }] }));
    f.until((p) => p.actions.some((a) => a.kind === 'createAnalysisRun'));
    f.runs.get('exp-check')!.status = { phase: 'Running' };
    const { analysisRuns: _lost, ...rest } = f.ex.status!;
    f.ex = { ...f.ex, status: rest };
    const plan = f.step();
    assert.ok(!plan.actions.some((a) => a.kind === 'createAnalysisRun'), 'nothing created twice');
    assert.deepEqual(plan.status.analysisRuns, [{ name: 'check', analysisRun: 'exp-check', phase: 'Running' }]);
  });

  test('without a duration, the experiment ends when its required analyses succeed, and other runs are terminated', () => {
    const f = new FakeWorld(
      experiment({
        analyses: [
          { name: 'required', templateName: 'check', args: [{ name: 'hash', value: 'x' }], requiredForCompletion: true },
          { name: 'extra', templateName: 'check', args: [{ name: 'hash', value: 'y' }] },
        ],
      }),
    );
    f.until(() => f.runs.size === 2);
    f.runs.get('exp-required')!.status = { phase: 'Successful' };
    f.runs.get('exp-extra')!.status = { phase: 'Running' };
    const done = f.until((p) => p.status.phase === 'Successful');
    assert.equal(done.status.message, 'Required AnalysisRuns completed');
    f.until(() => f.runs.get('exp-extra')!.spec.terminate === true);
  });

  test('an analysis naming a missing template is an Error before anything runs', () => {
    const f = new FakeWorld(experiment({ analyses: [{ name: 'a', templateName: 'nope' }] }));
    const errored = f.until((p) => p.status.phase === 'Error');
    assert.match(errored.status.message ?? '', /AnalysisTemplate verification failed for analysis 'a': analysistemplate.argoproj.io "nope" not found/);
  });
});

describe('Experiment validation', () => {
  const invalid = (spec: Record<string, unknown>) => {
    const ex = experiment(spec);
    const result = validateExperiment(ex);
    assert.equal(result.ok, false);
    return planInvalidExperiment(ex, result.ok ? [] : result.errors, new Date(T0));
  };

  test('an empty selector is InvalidSpec naming the field, phase Error, and nothing is written', () => {
    const plan = invalid({ templates: [{ ...template('a'), selector: {} }] });
    assert.equal(plan.status.phase, 'Error');
    assert.deepEqual(plan.actions, []);
    const condition = plan.status.conditions?.find((c) => c.type === 'InvalidSpec');
    assert.match(condition?.message ?? '', /^The Experiment "exp" is invalid: spec\.templates\[0\]\.selector: .*selecting all pods at index 0/);
  });

  test('repeated template names, an unreadable duration, unknown fields and valueFrom args are refused', () => {
    assert.match(invalid({ templates: [template('a'), template('a')] }).status.message ?? '', /spec\.templates\[1\]\.name: Duplicate value: "a"/);
    assert.match(invalid({ duration: 'soon' }).status.message ?? '', /spec\.duration: Invalid value: "soon"/);
    assert.match(invalid({ bogus: 1 }).status.message ?? '', /bogus/);
    const args = [{ name: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }];
    assert.match(invalid({ analyses: [{ name: 'a', templateName: 'check', args }] }).status.message ?? '', /spec\.analyses\[0\]\.args\[0\]\.valueFrom: Forbidden/);
  });

  test('a selector that does not match its pod labels is refused', () => {
    assert.match(invalid({ templates: [{ ...template('a'), selector: { matchLabels: { app: 'other' } } }] }).status.message ?? '', /spec\.templates\[0\]\.template\.metadata\.labels/);
  });
});
