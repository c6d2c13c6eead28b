/**
 * The phase clients show is the controller's own computation (Argo's GetRolloutPhase), shared so
 * that `get`, `list`, `status` and the dashboard never disagree with status.phase.
 */
export { calculateRolloutPhase, isFullyPromoted, isUnpausing, rolloutPhase, type PhaseResult } from '../../controller/reconcile/shared/phase.ts';
