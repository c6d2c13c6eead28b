import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { pino, type Logger } from 'pino';
import { KubeApiError } from '../../../controller/kube/errors.ts';
import { LeaderElector, microTime, type LeaseRecord, type LeaseStore, type StoredLease } from '../../../controller/kube/leader-election.ts';
import { FakeClock, flush } from './fake-clock.ts';

const leaseTarget = { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'ops', name: 'ramp-controller-lock' };

/** Behaves like the apiserver for one Lease: resourceVersions, 409 on stale writes. */
class MemoryLeaseStore implements LeaseStore {
  readonly description = 'ops/ramp-controller-lock';
  lease: StoredLease | undefined;
  private rv = 100;
  /** Errors thrown by the next calls, in order. */
  readonly failures: Error[] = [];
  writes = 0;

  private maybeFail(): void {
    const err = this.failures.shift();
    if (err) throw err;
  }

  async get(_signal?: AbortSignal): Promise<StoredLease | undefined> {
    this.maybeFail();
    return this.lease && structuredClone(this.lease);
  }

  async create(record: LeaseRecord): Promise<StoredLease> {
    this.maybeFail();
    if (this.lease) throw new KubeApiError({ ...leaseTarget, verb: 'create' }, 409, { kind: 'Status', code: 409, reason: 'AlreadyExists' });
    return this.write(record);
  }

  async replace(record: LeaseRecord, resourceVersion: string): Promise<StoredLease> {
    this.maybeFail();
    if (!this.lease || this.lease.resourceVersion !== resourceVersion) {
      throw new KubeApiError(leaseTarget, 409, { kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified' });
    }
    return this.write(record);
  }

  /** Another process writing the Lease directly. */
  write(record: LeaseRecord): StoredLease {
    this.writes += 1;
    this.lease = { record: { ...record }, resourceVersion: String(++this.rv) };
    return structuredClone(this.lease);
  }
}

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push((JSON.parse(s) as { msg: string }).msg) });
  return { logger, lines };
}

function elector(store: LeaseStore, clock: FakeClock, identity: string, logger: Logger = pino({ level: 'silent' })) {
  const transitions: string[] = [];
  const e = new LeaderElector({
    store,
    identity,
    clock,
    logger,
    onStartedLeading: () => transitions.push('started'),
    onStoppedLeading: () => transitions.push('stopped'),
  });
  return { e, transitions };
}

const signal = (): AbortSignal => new AbortController().signal;

const stoppers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stoppers.splice(0).map((stop) => stop()));
});

function start(e: LeaderElector): { stop: () => Promise<void>; done: Promise<void> } {
  const controller = new AbortController();
  const done = e.run(controller.signal);
  const stop = async (): Promise<void> => {
    controller.abort();
    await done;
  };
  stoppers.push(stop);
  return { stop, done };
}

describe('LeaderElector.tryAcquireOrRenew', () => {
  it('acquires a Lease that does not exist by creating it', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const { e } = elector(store, clock, 'a_1');
    assert.equal(await e.tryAcquireOrRenew(signal()), 'acquired');
    assert.deepEqual(store.lease?.record, {
      holderIdentity: 'a_1',
      leaseDurationSeconds: 15,
      acquireTime: microTime(clock.now()),
      renewTime: microTime(clock.now()),
      leaseTransitions: 0,
    });
  });

  it('a Lease held and renewed by another candidate is left alone', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    store.write({ holderIdentity: 'b_2', leaseDurationSeconds: 15, renewTime: microTime(clock.now()), leaseTransitions: 3 });
    const { e } = elector(store, clock, 'a_1');
    for (let i = 0; i < 10; i++) {
      assert.equal(await e.tryAcquireOrRenew(signal()), 'held');
      await clock.advance(10_000);
      store.write({ ...store.lease!.record, renewTime: microTime(clock.now()) });
    }
    assert.equal(store.lease?.record.holderIdentity, 'b_2');
  });

  it('takes over a Lease not renewed for its duration, counted from when this candidate first saw it', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    // Written long ago by a leader that has since died; the candidate's own clock decides.
    store.write({ holderIdentity: 'b_2', leaseDurationSeconds: 15, renewTime: microTime(clock.now() - 3_600_000), leaseTransitions: 3 });
    const { e } = elector(store, clock, 'a_1');
    assert.equal(await e.tryAcquireOrRenew(signal()), 'held');
    await clock.advance(14_999);
    assert.equal(await e.tryAcquireOrRenew(signal()), 'held');
    await clock.advance(1);
    assert.equal(await e.tryAcquireOrRenew(signal()), 'acquired');
    assert.equal(store.lease?.record.holderIdentity, 'a_1');
    assert.equal(store.lease?.record.leaseTransitions, 4);
    assert.equal(store.lease?.record.acquireTime, microTime(clock.now()));
  });

  it('takes a released Lease (empty holder) at once', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    store.write({ holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(clock.now()), leaseTransitions: 5 });
    const { e } = elector(store, clock, 'a_1');
    assert.equal(await e.tryAcquireOrRenew(signal()), 'acquired');
    assert.equal(store.lease?.record.leaseTransitions, 6);
  });

  it('renewing keeps the acquire time and transition count and moves the renew time', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const { e } = elector(store, clock, 'a_1');
    const run = start(e);
    await flush();
    const acquiredAt = microTime(clock.now());
    await clock.advance(2_000);
    assert.equal(e.isLeader(), true);
    assert.deepEqual(store.lease?.record, {
      holderIdentity: 'a_1',
      leaseDurationSeconds: 15,
      acquireTime: acquiredAt,
      renewTime: microTime(clock.now()),
      leaseTransitions: 0,
    });
    await run.stop();
  });

  it('reports a write that lost a race (409) as a conflict', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    store.write({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 2 });
    const { e } = elector(store, clock, 'a_1');
    const read = store.get.bind(store);
    store.get = async () => {
      const seen = await read();
      store.write({ holderIdentity: 'b_2', leaseDurationSeconds: 15, leaseTransitions: 3 });
      return seen;
    };
    assert.equal(await e.tryAcquireOrRenew(signal()), 'conflict');
    assert.equal(store.lease?.record.holderIdentity, 'b_2');
  });
});

const conflict = (): KubeApiError => new KubeApiError(leaseTarget, 409, { kind: 'Status', code: 409, reason: 'Conflict' });

/** A candidate `a_1` that has just become leader of a fresh Lease. */
async function leadingElector() {
  const clock = new FakeClock();
  const store = new MemoryLeaseStore();
  const { e, transitions } = elector(store, clock, 'a_1');
  start(e);
  await flush();
  return { clock, store, e, transitions };
}

describe('LeaderElector.run', () => {
  it('acquires, then renews every retry period while leading', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const { e, transitions } = elector(store, clock, 'a_1');
    start(e);
    await flush();
    assert.deepEqual(transitions, ['started']);
    const writes = store.writes;
    await clock.advance(10_000);
    assert.equal(store.writes - writes, 5);
    assert.deepEqual(transitions, ['started']);
  });

  it('stops leading at once when another candidate wrote the Lease (conflict)', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const { e, transitions } = elector(store, clock, 'a_1');
    start(e);
    await flush();
    store.write({ holderIdentity: 'b_2', leaseDurationSeconds: 15, renewTime: microTime(clock.now()), leaseTransitions: 1 });
    await clock.advance(2_000);
    assert.deepEqual(transitions, ['started', 'stopped']);
    assert.equal(e.isLeader(), false);
  });

  it('a 409 on its own renewal does not end its term while the Lease still names it', async () => {
    const { clock, store, e, transitions } = await leadingElector();
    const original = store.replace.bind(store);
    let refused = 0;
    store.replace = async (record, rv) => {
      if (refused++ < 2) throw conflict();
      return original(record, rv);
    };
    await clock.advance(8_000);
    assert.deepEqual(transitions, ['started']);
    assert.equal(e.isLeader(), true);
    assert.equal(store.lease?.record.holderIdentity, 'a_1');
    assert.ok(refused > 2, 'renewed again after the refusals');
  });

  it('a renewal written by the apiserver whose answer was a 409 counts as renewed', async () => {
    const { clock, store, transitions } = await leadingElector();
    const original = store.replace.bind(store);
    // A proxy between the leader and the apiserver lets every write through and answers 409.
    store.replace = async (record, rv) => {
      await original(record, rv);
      throw conflict();
    };
    await clock.advance(30_000);
    assert.deepEqual(transitions, ['started'], 'each renewal went through, so the term never ran out');
    store.replace = original;
  });

  it('a 409 on its renewal ends its term when the Lease read back names another holder', async () => {
    const { clock, store, transitions } = await leadingElector();
    const original = store.replace.bind(store);
    store.replace = async () => {
      store.write({ holderIdentity: 'b_2', leaseDurationSeconds: 15, renewTime: microTime(clock.now()), leaseTransitions: 1 });
      throw conflict();
    };
    await clock.advance(2_000);
    assert.deepEqual(transitions, ['started', 'stopped']);
    store.replace = original;
  });

  it('stops leading when it cannot renew within the 10 s renew deadline, not before', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const { e, transitions } = elector(store, clock, 'a_1');
    start(e);
    await flush();
    const unavailable = (): KubeApiError => new KubeApiError({ ...leaseTarget, verb: 'get' }, 503, { kind: 'Status', code: 503, message: 'etcd unavailable' });
    for (let i = 0; i < 20; i++) store.failures.push(unavailable());
    await clock.advance(8_000);
    assert.deepEqual(transitions, ['started'], 'still leading within the deadline');
    await clock.advance(2_000);
    assert.deepEqual(transitions, ['started', 'stopped']);
  });

  it('stops leading when a renewal hangs past the deadline', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const { e, transitions } = elector(store, clock, 'a_1');
    start(e);
    await flush();
    store.get = (sig?: AbortSignal) =>
      new Promise<StoredLease | undefined>((_, reject) =>
        sig?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    await clock.advance(11_000);
    assert.deepEqual(transitions, ['started', 'stopped']);
  });

  it('campaigns again after losing and leads again once the Lease is free', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const { e, transitions } = elector(store, clock, 'a_1');
    start(e);
    await flush();
    store.write({ holderIdentity: 'b_2', leaseDurationSeconds: 15, renewTime: microTime(clock.now()), leaseTransitions: 1 });
    await clock.advance(2_000);
    assert.deepEqual(transitions, ['started', 'stopped']);
    store.write({ ...store.lease!.record, holderIdentity: '' });
    await clock.advance(2_000);
    assert.deepEqual(transitions, ['started', 'stopped', 'started']);
  });

  it('releases the Lease on shutdown so a follower takes over within one retry period', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const a = elector(store, clock, 'a_1');
    const b = elector(store, clock, 'b_2');
    const runA = start(a.e);
    await flush();
    start(b.e);
    await clock.advance(4_000);
    assert.equal(a.e.isLeader(), true);
    assert.equal(b.e.isLeader(), false);
    await runA.stop();
    assert.deepEqual(a.transitions, ['started', 'stopped']);
    assert.equal(store.lease?.record.holderIdentity, '');
    await clock.advance(2_000);
    assert.equal(b.e.isLeader(), true);
    assert.equal(store.lease?.record.holderIdentity, 'b_2');
  });

  it('a follower takes over a crashed leader once the lease duration has passed', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const a = elector(store, clock, 'a_1');
    const b = elector(store, clock, 'b_2');
    assert.equal(await a.e.tryAcquireOrRenew(signal()), 'acquired');
    start(b.e);
    await clock.advance(14_000);
    assert.equal(b.e.isLeader(), false);
    await clock.advance(2_000);
    assert.equal(b.e.isLeader(), true);
    assert.equal(store.lease?.record.leaseTransitions, 1);
  });

  it('two candidates never lead at the same time', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const a = elector(store, clock, 'a_1');
    const b = elector(store, clock, 'b_2');
    start(a.e);
    start(b.e);
    for (let i = 0; i < 30; i++) {
      await clock.advance(1_000);
      assert.ok(!(a.e.isLeader() && b.e.isLeader()));
    }
    assert.ok(a.e.isLeader() !== b.e.isLeader());
  });

  it('a missing permission is logged once as one line, not on every retry', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const { logger, lines } = capture();
    const { e } = elector(store, clock, 'a_1', logger);
    const forbidden = new KubeApiError({ ...leaseTarget, verb: 'get' }, 403, { kind: 'Status', code: 403, reason: 'Forbidden' });
    for (let i = 0; i < 5; i++) store.failures.push(forbidden);
    start(e);
    await clock.advance(10_000);
    const complaints = lines.filter((l) => l.includes('forbidden'));
    assert.deepEqual(complaints, [
      `leader election: forbidden: cannot get leases.coordination.k8s.io "ramp-controller-lock" in namespace "ops": grant the controller's ServiceAccount get on leases (apiGroup coordination.k8s.io)`,
    ]);
    assert.equal(e.isLeader(), true, 'leads once the permission is granted');
  });
});

describe('microTime', () => {
  it('has six fractional digits as Kubernetes MicroTime requires', () => {
    assert.equal(microTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678)), '2025-01-02T03:04:05.678000Z');
  });
});
