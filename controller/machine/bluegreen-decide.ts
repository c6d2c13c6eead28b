import { blueGreenMachine, type BlueGreenActionName, type BlueGreenFacts } from './bluegreen.ts';
import { decide, type Decision, type StrategyStateValue } from './decide.ts';

export type BlueGreenPhaseName = 'scalingUp' | 'prePromotionAnalysis' | 'paused' | 'promoting' | 'postPromotionAnalysis';
export type BlueGreenStateValue = StrategyStateValue<BlueGreenPhaseName>;

/** The status fields the blue-green state is rebuilt from: nothing else survives a restart. */
export interface BlueGreenStatusView {
  currentPodHash?: string;
  stableRS?: string;
  abort?: boolean;
  controllerPause?: boolean;
  pauseReasons: string[];
  activeSelector?: string;
  scaleUpPreviewCheckPoint?: boolean;
  prePromotionAnalysisRunStatus?: { status?: string };
  postPromotionAnalysisRunStatus?: { status?: string };
}

const actionNames: ReadonlySet<BlueGreenActionName> = new Set<BlueGreenActionName>([
  'startNewRevision', 'addBlueGreenPause', 'removeBlueGreenPause', 'promoteActive', 'markStable',
  'recordAbort', 'clearAbort', 'startPrePromotionAnalysis', 'startPostPromotionAnalysis', 'pauseInconclusive',
]);

/** Where the machine stands according to what the last pass wrote into the status. */
export function blueGreenStateFromStatus(status: BlueGreenStatusView): BlueGreenStateValue {
  if (status.abort) return 'aborted';
  if (!status.currentPodHash) return 'healthy';
  if (status.activeSelector === status.currentPodHash) {
    return status.stableRS === status.currentPodHash ? 'healthy' : { progressing: 'postPromotionAnalysis' };
  }
  if (status.pauseReasons.includes('BlueGreenPause') || status.pauseReasons.includes('InconclusiveAnalysisRun')) return { progressing: 'paused' };
  // A promote cleared the pause an inconclusive pre-promotion run caused: not promoted, it analyses again.
  if (status.controllerPause && status.prePromotionAnalysisRunStatus?.status === 'Inconclusive') return { progressing: 'prePromotionAnalysis' };
  if (status.controllerPause || status.scaleUpPreviewCheckPoint) return { progressing: 'promoting' };
  if (status.prePromotionAnalysisRunStatus) return { progressing: 'prePromotionAnalysis' };
  return { progressing: 'scalingUp' };
}

export type BlueGreenDecision = Decision<BlueGreenPhaseName, BlueGreenActionName, BlueGreenFacts>;

/** One pure step: rebuild the state from the status, feed it this pass's facts, return where it lands. */
export function decideBlueGreen(status: BlueGreenStatusView, facts: BlueGreenFacts): BlueGreenDecision {
  return decide(blueGreenMachine, blueGreenStateFromStatus(status), facts, actionNames);
}
