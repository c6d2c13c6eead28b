import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Informer } from '../../../controller/kube/informer.ts';
import { ANALYSIS_TEMPLATES, CLUSTER_ANALYSIS_TEMPLATES, ROLLOUTS, type KubeObject, type ResourceType } from '../../../controller/kube/resources.ts';
import { analysisTemplateWatches } from '../../../controller/reconcile/edge/analysis-template-watch.ts';
import type { Caches } from '../../../controller/runtime/types.ts';

// Informers over fixed objects: get by `ns/name` (or name), list by namespace.
function caches(objects: Record<string, KubeObject[]>): Caches {
  return {
    informer<T extends KubeObject>(type: ResourceType) {
      const items = objects[type.plural] ?? [];
      const key = (o: KubeObject) => (o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata?.name ?? ''));
      return { get: (k: string) => items.find((o) => key(o) === k), list: (ns?: string) => items.filter((o) => ns === undefined || o.metadata?.namespace === ns) } as unknown as Informer<T>;
    },
  };
}

const template = (name: string, templates: object[], namespace?: string): KubeObject =>
  ({ metadata: { name, ...(namespace ? { namespace } : {}) }, spec: { metrics: [], templates } }) as unknown as KubeObject;
const rollout = { metadata: { namespace: 'shop', name: 'web' }, spec: { strategy: { canary: { steps: [{ analysis: { templates: [{ templateName: 'combined' }] } }] } } } } as unknown as KubeObject;

describe('template watches follow composition', () => {
  const set = caches({
    [ROLLOUTS.plural]: [rollout],
    [ANALYSIS_TEMPLATES.plural]: [template('combined', [{ templateName: 'inner' }], 'shop'), template('inner', [{ templateName: 'latency', clusterScope: true }], 'shop')],
    [CLUSTER_ANALYSIS_TEMPLATES.plural]: [template('latency', [])],
  });
  const [namespaced, cluster] = analysisTemplateWatches as [(typeof analysisTemplateWatches)[number], (typeof analysisTemplateWatches)[number]];

  it('a change to a template the Rollout reaches only through another re-runs the Rollout', () => {
    assert.deepEqual(namespaced.keysFor(template('combined', [], 'shop'), set), ['shop/web']);
    assert.deepEqual(namespaced.keysFor(template('inner', [], 'shop'), set), ['shop/web']);
    assert.deepEqual(cluster.keysFor(template('latency', []), set), ['shop/web']);
    assert.deepEqual(namespaced.keysFor(template('unrelated', [], 'shop'), set), []);
  });

  it('a nested template created after the Rollout re-runs it', () => {
    const waiting = caches({ [ROLLOUTS.plural]: [rollout], [ANALYSIS_TEMPLATES.plural]: [template('combined', [{ templateName: 'inner' }], 'shop')] });
    assert.deepEqual(namespaced.keysFor(template('inner', [], 'shop'), waiting), ['shop/web']);
    assert.deepEqual(cluster.keysFor(template('inner', []), waiting), [], 'a ClusterAnalysisTemplate of that name is not the one named');
  });
});
