import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnalysisPhase } from '../../../controller/api/index.ts';
import { decideExperimentPhase, type ExperimentFacts } from '../../../controller/machine/experiment.ts';

/**
 * The Experiment's phase machine as a transition table (Argo's calculateStatus): from the phase in
 * the status and the assessed templates and analyses, the next phase and whose message it takes.
 */

const facts = (templates: AnalysisPhase, analyses: AnalysisPhase, over: Partial<ExperimentFacts> = {}): ExperimentFacts => ({
  templates: { phase: templates, message: `templates ${templates}` },
  analyses: { phase: analyses, message: `analyses ${analyses}` },
  hasRequiredAnalyses: false,
  requiredAnalysesSuccessful: false,
  ...over,
});

const cases: Array<[string, AnalysisPhase | undefined, ExperimentFacts, AnalysisPhase, string | undefined]> = [
  ['a new experiment is Pending, whatever is assessed', undefined, facts('Running', 'Running'), 'Pending', undefined],
  ['Pending while the templates are not available', 'Pending', facts('Pending', 'Pending'), 'Pending', 'templates Pending'],
  ['Running once the templates run', 'Pending', facts('Running', 'Pending'), 'Running', 'templates Running'],
  ['the duration over (templates Successful) ends it Successful while analyses still run', 'Running', facts('Successful', 'Running'), 'Successful', 'templates Successful'],
  ['templates done and an analysis Failed: Failed, with the analysis message', 'Running', facts('Successful', 'Failed'), 'Failed', 'analyses Failed'],
  ['a failed analysis fails a running experiment at once', 'Running', facts('Running', 'Failed'), 'Failed', 'analyses Failed'],
  ['an analysis Error is Error', 'Running', facts('Running', 'Error'), 'Error', 'analyses Error'],
  ['an Inconclusive analysis is Inconclusive', 'Running', facts('Running', 'Inconclusive'), 'Inconclusive', 'analyses Inconclusive'],
  ['a Successful analysis alone does not end it (not required)', 'Running', facts('Running', 'Successful'), 'Running', 'templates Running'],
  ['the required analyses Successful end it Successful', 'Running', facts('Running', 'Successful', { hasRequiredAnalyses: true, requiredAnalysesSuccessful: true }), 'Successful', 'analyses Successful'],
  ['with required analyses, templates done wait for them', 'Running', facts('Successful', 'Running', { hasRequiredAnalyses: true }), 'Running', 'analyses Running'],
  ['templates past their progress deadline: Failed with their message', 'Running', facts('Failed', 'Running'), 'Failed', 'templates Failed'],
  ['a template Error is Error', 'Pending', facts('Error', 'Pending'), 'Error', 'templates Error'],
];

describe('Experiment phase transitions', () => {
  for (const [name, current, f, phase, message] of cases) {
    test(name, () => {
      const next = decideExperimentPhase(current, f);
      assert.equal(next.phase, phase);
      assert.equal(next.message, message);
    });
  }

  for (const done of ['Successful', 'Failed', 'Error', 'Inconclusive'] as const) {
    test(`${done} is final: nothing assessed later moves it, and no message is rewritten`, () => {
      assert.deepEqual(decideExperimentPhase(done, facts('Running', 'Failed')), { phase: done });
      assert.deepEqual(decideExperimentPhase(done, facts('Successful', 'Successful')), { phase: done });
    });
  }
});
