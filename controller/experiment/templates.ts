import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { ExperimentTemplate, TemplateStatus, TemplateStatusCode } from '../api/index.ts';
import { formatTime } from '../api/kit.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.ts';
import { formatScaleDownDeadline, hasScaleDownDeadline, timeRemainingBeforeScaleDownDeadline } from '../reconcile/shared/scale-down-deadline.ts';
import { toMillis } from '../reconcile/shared/time.ts';
import { progressDeadlineSecondsOf, renderTemplateReplicaSet, renderTemplateService, scaleDownDelaySecondsOf } from './render.ts';
import { desiredReplicas, isCompletedPhase, isTerminating, passedDuration } from './state.ts';
import type { ExperimentWorld, PlanOutput } from './types.ts';

/**
 * One template of an Experiment (Argo's reconcileTemplate): its ReplicaSet created (empty, then
 * scaled), scaled to what the experiment wants, held for scaleDownDelaySeconds before it goes to
 * zero, its Service created while it runs and deleted once its pods are gone, and its status.
 */
export function planTemplate(world: ExperimentWorld, template: ExperimentTemplate, out: PlanOutput): TemplateStatus {
  const ex = world.experiment;
  const now = world.now;
  const nowText = formatTime(now);
  const prev: TemplateStatus = ex.status?.templateStatuses?.find((t) => t.name === template.name) ?? {
    name: template.name,
    replicas: 0,
    updatedReplicas: 0,
    readyReplicas: 0,
    availableReplicas: 0,
  };
  const ts: TemplateStatus = { ...prev };
  const desired = desiredReplicas(ex, ex.status, template);
  const rs = world.replicaSets.get(template.name);

  if (!rs) {
    // As Argo, created with no pods; the next pass scales it.
    out.actions.push({ kind: 'createReplicaSet', replicaSet: renderTemplateReplicaSet(ex, template, 0, prev.collisionCount) });
    ts.lastTransitionTime = nowText;
  } else {
    planService(world, template, rs, desired, ts, out);
    const current = rs.spec?.replicas ?? 0;
    const target = desired === 0 ? scaleDownTarget(world, rs, current, out) : desired;
    if (current !== target) {
      out.actions.push({ kind: 'scaleReplicaSet', name: rs.metadata?.name ?? '', from: current, to: target });
      out.events.push({
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: `Scaled ${target > current ? 'up' : 'down'} ReplicaSet ${rs.metadata?.name ?? ''} from ${current} to ${target}`,
      });
      ts.lastTransitionTime = nowText;
    }
  }

  const status = rs?.status;
  ts.replicas = status?.replicas ?? 0;
  ts.updatedReplicas = status?.replicas ?? 0;
  ts.readyReplicas = status?.readyReplicas ?? 0;
  ts.availableReplicas = status?.availableReplicas ?? 0;
  if (
    prev.replicas !== ts.replicas ||
    prev.updatedReplicas !== ts.updatedReplicas ||
    prev.readyReplicas !== ts.readyReplicas ||
    prev.availableReplicas !== ts.availableReplicas
  ) {
    ts.lastTransitionTime = nowText;
  }

  if (!isCompletedPhase(ts.status)) ts.status = templateStatusCode(world, template, ts, desired);
  if (prev.status !== ts.status) {
    const detail = ts.message ? `: ${ts.message}` : '';
    out.events.push({
      type: ts.status === 'Failed' || ts.status === 'Error' ? 'Warning' : 'Normal',
      reason: `Template${ts.status ?? ''}`,
      message: `Template '${template.name}' transitioned from ${prev.status ?? ''} -> ${ts.status ?? ''}${detail}`,
    });
  }
  return ts;
}

function templateStatusCode(world: ExperimentWorld, template: ExperimentTemplate, ts: TemplateStatus, desired: number): TemplateStatusCode {
  const ex = world.experiment;
  const terminating = isTerminating(ex, ex.status);
  if (desired === ts.availableReplicas) {
    return passedDuration(ex, ex.status, world.now) || terminating ? 'Successful' : 'Running';
  }
  const deadlineSeconds = progressDeadlineSecondsOf(ex);
  const from = toMillis(ts.lastTransitionTime) ?? world.now.getTime();
  if (world.now.getTime() > from + deadlineSeconds * 1000) {
    ts.message = `Template '${template.name}' exceeded its progressDeadlineSeconds (${deadlineSeconds})`;
    return 'Failed';
  }
  return terminating ? 'Successful' : 'Progressing';
}

/**
 * The replicas a ReplicaSet the experiment no longer wants keeps: all of them until its scale-down
 * deadline (set now when missing) has passed, then none.
 */
function scaleDownTarget(world: ExperimentWorld, rs: V1ReplicaSet, current: number, out: PlanOutput): number {
  const name = rs.metadata?.name ?? '';
  const delaySeconds = scaleDownDelaySecondsOf(world.experiment);
  if (delaySeconds === 0) {
    if (hasScaleDownDeadline(rs)) out.actions.push({ kind: 'setScaleDownDeadline', name, deadline: null });
    return 0;
  }
  if (current === 0) return 0;
  if (!hasScaleDownDeadline(rs)) {
    out.actions.push({ kind: 'setScaleDownDeadline', name, deadline: formatScaleDownDeadline(world.now, delaySeconds) });
    out.wakeups.push(delaySeconds * 1000);
    return current;
  }
  const remaining = timeRemainingBeforeScaleDownDeadline(rs, world.now);
  if (remaining.kind === 'waiting') {
    out.wakeups.push(remaining.remainingMs);
    return current;
  }
  return 0;
}

function planService(world: ExperimentWorld, template: ExperimentTemplate, rs: V1ReplicaSet, desired: number, ts: TemplateStatus, out: PlanOutput): void {
  const existing = world.services.get(template.name);
  const wanted = template.service !== undefined && desired !== 0;
  if (wanted) {
    if (existing) {
      ts.serviceName = existing.metadata?.name ?? '';
      ts.podTemplateHash = rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
      return;
    }
    const service = renderTemplateService(world.experiment, template, rs);
    if (!service) return;
    out.actions.push({ kind: 'createService', service });
    ts.serviceName = service.metadata?.name ?? '';
    ts.podTemplateHash = rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
    return;
  }
  // Kept until the pods are gone, so clients are not cut off during the scale-down delay.
  if (existing && (template.service === undefined || (rs.status?.availableReplicas ?? 0) === 0)) {
    out.actions.push({ kind: 'deleteService', name: existing.metadata?.name ?? '' });
    delete ts.serviceName;
    delete ts.podTemplateHash;
  }
}
