import { podIcon } from './icons.ts';
import type { PodInfo, PodLike } from './types.ts';

/** The node controller's reason for a pod on a node that stopped reporting. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

/** Argo's newPodInfo, itself kubectl's STATUS column: the most telling reason for a pod's state. */
export function newPodInfo(pod: PodLike): PodInfo {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let restarts = 0;
  let reason = status.reason || status.phase || '';
  let message: string | undefined;

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i]!;
    restarts += container.restartCount ?? 0;
    const terminated = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (terminated !== undefined && (terminated.exitCode ?? 0) === 0) continue;
    if (terminated !== undefined) {
      if (!terminated.reason) {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`;
      } else {
        reason = `Init:${terminated.reason}`;
      }
      message = terminated.message;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
      message = waiting.message;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing) {
    restarts = 0;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i]!;
      restarts += container.restartCount ?? 0;
      const waiting = container.state?.waiting;
      const terminated = container.state?.terminated;
      if (waiting?.reason) {
        reason = waiting.reason;
        message = waiting.message ?? message;
      } else if (terminated?.reason) {
        reason = terminated.reason;
        message = terminated.message ?? message;
      } else if (terminated !== undefined) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      } else if (container.ready && container.state?.running !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }

  if (pod.metadata.deletionTimestamp !== undefined) {
    reason = status.reason === NODE_UNREACHABLE_POD_REASON ? 'Unknown' : 'Terminating';
  }

  const info: PodInfo = {
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    status: reason,
    icon: podIcon(reason),
    ready: `${readyContainers}/${totalContainers}`,
    readyContainers,
    totalContainers,
    restarts,
  };
  if (pod.metadata.creationTimestamp !== undefined) info.creationTimestamp = pod.metadata.creationTimestamp;
  const why = message ?? status.message;
  if (why) info.message = why;
  return info;
}

/** Pods ordered by creation time, then name, as Argo lists them under their ReplicaSet. */
export function comparePods(a: PodInfo, b: PodInfo): number {
  const ta = a.creationTimestamp ? Date.parse(a.creationTimestamp) : 0;
  const tb = b.creationTimestamp ? Date.parse(b.creationTimestamp) : 0;
  if (ta !== tb) return ta - tb;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
