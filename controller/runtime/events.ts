import type { KubeObject } from '../kube/resources.ts';

/** What a controller records about one of its objects. */
export interface RecordedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** A core/v1 Event about an argoproj.io object, from the component Argo's controller names. */
export function eventObject(kind: string, involved: KubeObject, event: RecordedEvent, now: Date): KubeObject {
  const time = now.toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${involved.metadata?.name ?? ''}.`, namespace: involved.metadata?.namespace },
    involvedObject: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind,
      name: involved.metadata?.name,
      namespace: involved.metadata?.namespace,
      uid: involved.metadata?.uid,
    },
    type: event.type,
    reason: event.reason,
    message: event.message,
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    source: { component: 'rollouts-controller' },
  } as KubeObject;
}
