import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJobProvider, terminalPodError, type JobPort, type ObservedJob, type ObservedPod } from '../../../controller/analysis/providers/job/index.ts';
import { renderJob, type JobObject } from '../../../controller/analysis/providers/job/render.ts';
import type { AnalysisRun, Metric } from '../../../controller/analysis/types.ts';

const T = Date.parse('2025-03-01T12:00:00Z');

const metric: Metric = {
  name: 'smoke',
  provider: {
    job: {
      metadata: { labels: { team: 'payments' }, annotations: { note: 'smoke test' } },
      spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 't', image: 'busybox' }] } } },
    },
  },
};

function run(status?: AnalysisRun['status']): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'guestbook-6c4f-2', namespace: 'shop', uid: '7d0e4f3a-uid' },
    spec: { metrics: [metric] },
    ...(status ? { status } : {}),
  };
}

// An in-memory cluster holding Jobs.
function fakeJobs(): JobPort & { jobs: Map<string, ObservedJob & { spec?: unknown }>; deleted: string[]; podsOf: Map<string, ObservedPod[]> } {
  const jobs = new Map<string, ObservedJob & { spec?: unknown }>();
  const deleted: string[] = [];
  // Pods by namespace and label selector, as the Job controller would label them.
  const podsOf = new Map<string, ObservedPod[]>();
  return {
    jobs,
    deleted,
    podsOf,
    async pods(namespace, selector) {
      return podsOf.get(`${namespace}/${selector}`) ?? [];
    },
    async create(namespace, job: JobObject) {
      const key = `${namespace}/${job.metadata.name}`;
      if (jobs.has(key)) return 'AlreadyExists';
      const stored = { metadata: { ...job.metadata, namespace, creationTimestamp: new Date(T + jobs.size * 1000).toISOString() }, spec: job.spec };
      jobs.set(key, stored);
      return stored;
    },
    async get(namespace, name) {
      return jobs.get(`${namespace}/${name}`);
    },
    async delete(namespace, name) {
      deleted.push(name);
      jobs.delete(`${namespace}/${name}`);
    },
    async list(namespace, selector) {
      const [k, v] = selector.split('=');
      return [...jobs.values()].filter(
        (j) => j.metadata.namespace === namespace && (j.metadata as { labels?: Record<string, string> }).labels?.[k!] === v,
      );
    },
  };
}

describe('job metrics render the Job as Argo does', () => {
  it('names, labels, annotates and owns the Job', () => {
    const job = renderJob(run(), metric);
    assert.deepEqual(job.metadata, {
      name: '7d0e4f3a-uid.smoke.1',
      namespace: 'shop',
      labels: { team: 'payments', 'analysisrun.argoproj.io/uid': '7d0e4f3a-uid' },
      annotations: {
        note: 'smoke test',
        'analysisrun.argoproj.io/name': 'guestbook-6c4f-2',
        'analysisrun.argoproj.io/metric-name': 'smoke',
      },
      ownerReferences: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun', name: 'guestbook-6c4f-2', uid: '7d0e4f3a-uid', controller: true, blockOwnerDeletion: true },
      ],
    });
    assert.deepEqual(job.spec, metric.provider.job!.spec);
    assert.equal(job.apiVersion, 'batch/v1');
  });

  it('numbers the Job after every measurement taken, errors included', () => {
    const job = renderJob(run({ metricResults: [{ name: 'smoke', phase: 'Running', count: 2, error: 1 }] }), metric);
    assert.equal(job.metadata.name, '7d0e4f3a-uid.smoke.4');
  });

  it('cuts a long metric name so the Job name fits in 63 characters, as Argo does', () => {
    const uid = '0f7a1c2e-5b3d-4e8f-9a6b-2c1d3e4f5a6b';
    const long = { ...metric, name: 'p99-latency-of-the-checkout-service-under-load' };
    const longRun: AnalysisRun = { ...run(), metadata: { ...run().metadata, uid }, spec: { metrics: [long] } };
    const name = renderJob(longRun, long).metadata.name;
    assert.equal(name.length, 63);
    assert.equal(name, `${uid}.p99-latency-of-the-check.1`);
    // Argo's cut would end in '-', which the apiserver refuses in a name part: the dashes go too.
    const dashed = { ...metric, name: 'a-smoke-test-whose-name-is-long' };
    assert.equal(renderJob({ ...longRun, spec: { metrics: [dashed] } }, dashed).metadata.name, `${uid}.a-smoke-test-whose-name.1`);
    const short = { ...metric, name: 'smoke' };
    assert.equal(renderJob({ ...longRun, spec: { metrics: [short] } }, short).metadata.name, `${uid}.smoke.1`);
  });
});

describe('job provider drives the measurement from the Job', () => {
  const ctx = (r = run()) => ({ run: r, metric, now: () => T });

  it('run creates the Job and records its name; resume follows its conditions', async () => {
    const port = fakeJobs();
    const provider = createJobProvider(port);
    const started = await provider.run(ctx());
    // As Argo's JobProvider.Run: the Job's name and namespace, and a resume due at once.
    assert.deepEqual(started, {
      phase: 'Running',
      startedAt: '2025-03-01T12:00:00Z',
      metadata: { 'job-name': '7d0e4f3a-uid.smoke.1', 'job-namespace': 'shop' },
      resumeAt: '2025-03-01T12:00:00Z',
    });

    const stillRunning = await provider.resume!(ctx(), started);
    assert.equal(stillRunning.phase, 'Running');

    port.jobs.get('shop/7d0e4f3a-uid.smoke.1')!.status = { conditions: [{ type: 'Complete', status: 'True' }] };
    const done = await provider.resume!(ctx(), started);
    assert.equal(done.phase, 'Successful');
    assert.equal(done.finishedAt, '2025-03-01T12:00:00Z');

    port.jobs.get('shop/7d0e4f3a-uid.smoke.1')!.status = { conditions: [{ type: 'Failed', status: 'True' }] };
    assert.equal((await provider.resume!(ctx(), started)).phase, 'Failed');
  });

  it('a Job left by a lost status update is adopted when this run owns it', async () => {
    const port = fakeJobs();
    const provider = createJobProvider(port);
    await provider.run(ctx());
    const again = await provider.run(ctx());
    assert.equal(again.phase, 'Running');
    assert.equal(again.metadata?.['job-name'], '7d0e4f3a-uid.smoke.1');
  });

  it('a Job still running is resumed again after sqrt(2 × elapsed) seconds, so a resumeAt left in the past (as Argo leaves it) does not requeue the run pass after pass', async () => {
    const port = fakeJobs();
    const provider = createJobProvider(port);
    await provider.run(ctx());
    // Argo's measurement, 50 s old, its resumeAt long past; the Job in the namespace Argo recorded.
    const argos = { phase: 'Running' as const, startedAt: '2025-03-01T11:59:10Z', resumeAt: '2025-03-01T11:59:10Z', metadata: { 'job-name': '7d0e4f3a-uid.smoke.1', 'job-namespace': 'shop' } };
    const later = await provider.resume!({ ...ctx(), run: { ...run(), metadata: { ...run().metadata, namespace: 'elsewhere' } } }, argos);
    assert.equal(later.phase, 'Running');
    assert.equal(later.resumeAt, '2025-03-01T12:00:10Z');
    assert.equal(later.finishedAt, undefined);
    port.jobs.get('shop/7d0e4f3a-uid.smoke.1')!.status = { conditions: [{ type: 'Complete', status: 'True' }] };
    const done = await provider.resume!(ctx(), later);
    assert.equal(done.phase, 'Successful');
  });

  it('a Job whose pod cannot pull its image is Inconclusive with the pod and container named, as Argo\'s processJobPods', async () => {
    const port = fakeJobs();
    const provider = createJobProvider(port);
    const started = await provider.run(ctx());
    const job = port.jobs.get('shop/7d0e4f3a-uid.smoke.1')!;
    job.spec = { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'job-uid' } } };
    const pod = (reason: string, init = false): ObservedPod => {
      const statuses = [{ name: init ? 'setup' : 't', state: { waiting: { reason, message: 'Back-off pulling image "busybox:nope"' } } }];
      return { metadata: { name: 'smoke-x7k2p' }, status: init ? { initContainerStatuses: statuses } : { containerStatuses: statuses } };
    };
    const podsKey = 'shop/batch.kubernetes.io/controller-uid=job-uid';
    port.podsOf.set(podsKey, [pod('ContainerCreating')]);
    assert.equal((await provider.resume!(ctx(), started)).phase, 'Running', 'a pod still starting is waited for');
    port.podsOf.set(podsKey, [pod('ImagePullBackOff')]);
    const stuck = await provider.resume!(ctx(), started);
    assert.equal(stuck.phase, 'Inconclusive');
    assert.equal(stuck.message, 'Pod smoke-x7k2p, container t has terminal error (ImagePullBackOff): Back-off pulling image "busybox:nope"');
    assert.equal(stuck.finishedAt, '2025-03-01T12:00:00Z');
    // Conditions decide first: a Job already Failed is Failed whatever its pods say.
    job.status = { conditions: [{ type: 'Failed', status: 'True' }] };
    assert.equal((await provider.resume!(ctx(), started)).phase, 'Failed');
  });

  it('terminalPodError: ErrImagePull, ImagePullBackOff and InvalidImageName in init or app containers; other waits are not terminal', () => {
    const withWait = (reason: string, kind: 'initContainerStatuses' | 'containerStatuses'): ObservedPod => ({
      metadata: { name: 'p' },
      status: { [kind]: [{ name: 'c', state: { waiting: { reason, message: 'm' } } }] },
    });
    for (const reason of ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']) {
      for (const kind of ['initContainerStatuses', 'containerStatuses'] as const) {
        assert.equal(terminalPodError([withWait(reason, kind)]), `Pod p, container c has terminal error (${reason}): m`, `${reason} in ${kind}`);
      }
    }
    for (const reason of ['ContainerCreating', 'CrashLoopBackOff', 'PodInitializing']) assert.equal(terminalPodError([withWait(reason, 'containerStatuses')]), undefined, reason);
    assert.equal(terminalPodError([]), undefined);
  });

  it('resume without the job name is an Error', async () => {
    const provider = createJobProvider(fakeJobs());
    const m = await provider.resume!(ctx(), { phase: 'Running', startedAt: '2025-03-01T12:00:00Z' });
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'job metadata reference missing');
  });

  it('terminate deletes the Job and ends the measurement Inconclusive, as Argo\'s JobProvider.Terminate', async () => {
    const port = fakeJobs();
    const provider = createJobProvider(port);
    const started = await provider.run(ctx());
    const stopped = await provider.terminate!(ctx(), started);
    assert.equal(stopped.phase, 'Inconclusive');
    assert.ok(stopped.finishedAt);
    assert.deepEqual(port.deleted, ['7d0e4f3a-uid.smoke.1']);
  });

  it('garbage collection deletes the oldest Jobs beyond the limit', async () => {
    const port = fakeJobs();
    const provider = createJobProvider(port);
    for (let i = 0; i < 3; i++) {
      const count = i;
      await provider.run(ctx(run({ metricResults: [{ name: 'smoke', phase: 'Running', count }] })));
    }
    await provider.garbageCollect!(ctx(), 1);
    assert.deepEqual(port.deleted, ['7d0e4f3a-uid.smoke.1', '7d0e4f3a-uid.smoke.2']);
  });
});
