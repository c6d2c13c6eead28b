import type { ReplicaSetInfo } from '../../../shared/api.ts';
import { age, shortImage } from '../format.ts';
import { StatusBadge, Tag } from './StatusBadge.tsx';

const TAGS = ['stable', 'canary', 'active', 'preview', 'ping', 'pong'] as const;

type PodState = 'ready' | 'starting' | 'bad';

function podState(pod: ReplicaSetInfo['pods'][number]): PodState {
  if (pod.status === 'Running' && pod.readyContainers === pod.totalContainers) return 'ready';
  return pod.status === 'Running' || pod.status === 'Pending' || pod.status === 'ContainerCreating' ? 'starting' : 'bad';
}

/** One mark per pod; the shape tells the state as well as the colour (filled, hollow, round). */
function PodDots({ rs }: { rs: ReplicaSetInfo }) {
  if (rs.pods.length === 0) return null;
  const states = rs.pods.map(podState);
  const count = (state: PodState): number => states.filter((s) => s === state).length;
  const summary = `${rs.pods.length} pods: ${count('ready')} ready, ${count('starting')} starting, ${count('bad')} failing`;
  return (
    <span className="pods" role="img" aria-label={summary} title={summary}>
      {rs.pods.map((pod, i) => (
        <span key={pod.name} className={`pod pod-${states[i]}`} title={`${pod.name}: ${pod.status} ${pod.ready}${pod.message ? ` — ${pod.message}` : ''}`} />
      ))}
    </span>
  );
}

export function ReplicaSetTable({ replicaSets, now }: { replicaSets: ReplicaSetInfo[]; now: number }) {
  if (replicaSets.length === 0) return <p className="muted">No ReplicaSets yet.</p>;
  return (
    <table className="table" data-testid="replicasets">
      <thead>
        <tr>
          <th>Revision</th>
          <th>ReplicaSet</th>
          <th>Images</th>
          <th className="num">Ready</th>
          <th>Pods</th>
          <th>Status</th>
          <th className="num">Age</th>
        </tr>
      </thead>
      <tbody>
        {replicaSets.map((rs) => (
          <tr key={rs.uid || rs.name} className={rs.replicas === 0 && rs.desired === 0 ? 'dim' : undefined}>
            <td>
              <span className="revision">#{rs.revision}</span>
              {TAGS.filter((t) => rs[t]).map((t) => (
                <Tag key={t} name={t} />
              ))}
            </td>
            <td className="mono">{rs.name}</td>
            <td>
              {rs.images.map((image) => (
                <div key={image} className="mono" title={image}>
                  {shortImage(image)}
                </div>
              ))}
            </td>
            <td className="num">
              {rs.ready}/{rs.desired}
            </td>
            <td>
              <PodDots rs={rs} />
            </td>
            <td>
              <StatusBadge status={rs.status} />
            </td>
            <td className="num">{age(rs.creationTimestamp, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
