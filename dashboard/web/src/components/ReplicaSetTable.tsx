import type { ReplicaSetInfo } from '../../../shared/api.ts';
import { age, shortImage } from '../format.ts';
import { StatusBadge, Tag } from './StatusBadge.tsx';

const TAGS = ['stable', 'canary', 'active', 'preview', 'ping', 'pong'] as const;

function PodDots({ rs }: { rs: ReplicaSetInfo }) {
  if (rs.pods.length === 0) return null;
  return (
    <span className="pods" aria-label={`${rs.pods.length} pods`}>
      {rs.pods.map((pod) => (
        <span key={pod.name} className={`pod pod-${pod.status === 'Running' && pod.readyContainers === pod.totalContainers ? 'ready' : pod.status === 'Running' || pod.status === 'Pending' || pod.status === 'ContainerCreating' ? 'starting' : 'bad'}`} title={`${pod.name}: ${pod.status} ${pod.ready}${pod.message ? ` — ${pod.message}` : ''}`} />
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
