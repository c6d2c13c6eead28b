// The AnalysisRun controller: a ReconcilerRegistration for the runtime, one
// measuring pass over a run, its kube-backed ports, Argo's analysis gauges and
// the pure pass decisions.
export { createAnalysisRunRegistration, jobsOfAnalysisRuns, type AnalysisRunControllerOptions } from './registration.ts';
export { analysisSamples, providerType, registerAnalysisMetrics, type AnalysisObjects, type AnalysisSamples, type Sample } from './metrics.ts';
export { runEvents, statusPatch, ttlDecision, type RunEvent, type TtlDecision } from './pass.ts';
export { reconcileAnalysisRun, type AnalysisDeps, type ReconcileOutcome } from './measure.ts';
export { kubeJobPort, kubeSecretPort, SECRETS } from './ports.ts';
