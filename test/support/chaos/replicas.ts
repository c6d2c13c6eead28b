/**
 * The chaos run's controllers: two replicas of the compiled controller electing a leader through
 * a Lease in the run's namespace, both talking to the apiserver through the fault proxy. A replica
 * that is killed comes back a moment later, as a Deployment would bring it back.
 */
import { readFileSync } from 'node:fs';
import type { KubeClient } from '../../../controller/kube/client.ts';
import { LEASES, type KubeObject } from '../../../controller/kube/resources.ts';
import { startController, type RunningController } from '../controller.ts';
import { parseMetricsText, type MetricSample } from '../metrics-text.ts';
import type { MemorySample } from './invariants.ts';

export type ReplicaName = 'a' | 'b';
export const LEASE_NAME = 'ramp-controller-lock';

interface Instance {
  controller: RunningController;
  /** `a#1`, `a#2`, … one per process. */
  label: string;
}

export class ReplicaPair {
  private readonly live = new Map<ReplicaName, Instance>();
  private readonly starts = new Map<ReplicaName, number>();
  private restarting: Array<Promise<void>> = [];
  /** RSS samples per process. */
  readonly memory = new Map<string, MemorySample[]>();
  /** The last /metrics of each process, kept after it dies. */
  readonly lastMetrics = new Map<string, MetricSample[]>();

  constructor(private readonly opts: { namespace: string; kubeconfig: string; args: readonly string[]; restartDelayMs: number }) {}

  async start(): Promise<void> {
    await Promise.all((['a', 'b'] as const).map((r) => this.launch(r)));
  }

  private async launch(replica: ReplicaName): Promise<void> {
    const n = (this.starts.get(replica) ?? 0) + 1;
    this.starts.set(replica, n);
    const controller = await startController({
      namespace: this.opts.namespace,
      leaderElect: true,
      leaseNamespace: this.opts.namespace,
      leaseName: LEASE_NAME,
      kubeconfig: this.opts.kubeconfig,
      name: `chaos-${this.opts.namespace}-${replica}${n}`,
      args: ['--log-level=info', ...this.opts.args],
    });
    this.live.set(replica, { controller, label: `${replica}#${n}` });
  }

  /** The replica the Lease names, if it is one of ours. */
  async leader(client: KubeClient): Promise<ReplicaName | undefined> {
    const lease = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>(LEASES, this.opts.namespace, LEASE_NAME).catch(() => undefined);
    const pid = Number(/_(\d+)$/.exec(lease?.spec?.holderIdentity ?? '')?.[1]);
    for (const [name, inst] of this.live) if (inst.controller.process.pid === pid) return name;
    return undefined;
  }

  /** Ends a replica (SIGKILL: a crash; SIGTERM: a clean stop that releases the Lease) and brings it back. */
  async end(replica: ReplicaName, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const inst = this.live.get(replica);
    if (!inst) return;
    await this.sample();
    this.live.delete(replica);
    if (signal === 'SIGKILL') await inst.controller.kill();
    else await inst.controller.stop();
    const back = (async () => {
      await new Promise((r) => setTimeout(r, this.opts.restartDelayMs));
      await this.launch(replica);
    })();
    this.restarting.push(back);
  }

  /** Waits for every replica brought back so far. */
  async settled(): Promise<void> {
    const pending = this.restarting;
    this.restarting = [];
    await Promise.all(pending);
  }

  /** Samples each live process's RSS and /metrics. */
  async sample(): Promise<void> {
    await Promise.all([...this.live.values()].map(async ({ controller, label }) => {
      const pid = controller.process.pid;
      try {
        const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
        if (Number.isFinite(kib)) this.memory.set(label, [...(this.memory.get(label) ?? []), { at: Date.now(), rssBytes: kib * 1024 }]);
        const res = await fetch(controller.metricsUrl, { signal: AbortSignal.timeout(5_000) });
        if (res.ok) this.lastMetrics.set(label, parseMetricsText(await res.text()).samples);
      } catch {
        // A process that just died has nothing to say; its last sample stands.
      }
    }));
  }

  processes(): number {
    return [...this.starts.values()].reduce((a, b) => a + b, 0);
  }

  async stop(): Promise<void> {
    await this.settled();
    await this.sample();
    await Promise.all([...this.live.values()].map((i) => i.controller.stop()));
    this.live.clear();
  }
}
