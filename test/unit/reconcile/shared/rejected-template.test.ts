import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ReplicaSet } from '@kubernetes/client-node';
import { ReplicaSetRefusedError } from '../../../../controller/reconcile/apply.ts';
import { rejectedTemplateErrors } from '../../../../controller/reconcile/shared/rejected-template.ts';
import { RolloutWorld } from '../support/world.ts';

const DECODE = 'ReplicaSet in version "v1" cannot be handled as a ReplicaSet: quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'';

const withResources = (resources: object, init?: object): object => ({
  spec: { ...(init ? { initContainers: [{ name: 'init', resources: init }] } : {}), containers: [{ name: 'web', resources: { requests: { cpu: '100m' } } }, { name: 'side', resources }] },
});

describe('rejectedTemplateErrors: the field a refused ReplicaSet names', () => {
  const cases: Array<{ name: string; template: object; causes?: Array<{ field?: string; message?: string }>; message?: string; want: Array<{ field: string; message: string }> }> = [
    {
      name: 'a 422 names its fields, which are the Rollout\'s',
      template: withResources({}),
      causes: [{ field: 'spec.template.spec.containers[0].name', message: 'Invalid value: "C_bad": a lowercase RFC 1123 label must consist of …' }],
      message: 'The ReplicaSet "app-abc" is invalid: …',
      want: [{ field: 'spec.template.spec.containers[0].name', message: 'Invalid value: "C_bad": a lowercase RFC 1123 label must consist of …' }],
    },
    {
      name: 'a 400 names the first malformed quantity',
      template: withResources({ limits: { cpu: '1', memory: 'invalid' } }),
      want: [{ field: 'spec.template.spec.containers[1].resources.limits.memory', message: `Invalid value: "invalid": ${DECODE}` }],
    },
    {
      name: 'init containers come first, as in the pod spec',
      template: withResources({ requests: { memory: 'lots' } }, { requests: { cpu: 'x' } }),
      want: [{ field: 'spec.template.spec.initContainers[0].resources.requests.cpu', message: `Invalid value: "x": ${DECODE}` }],
    },
    {
      name: 'a 400 with no malformed quantity names the template',
      template: withResources({ requests: { memory: '1Gi' } }),
      want: [{ field: 'spec.template', message: DECODE }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(rejectedTemplateErrors(c.template, { message: c.message ?? DECODE, causes: c.causes ?? [] }), c.want);
    });
  }
});

/** The apiserver refuses any ReplicaSet whose template asks for `memory: invalid`. */
class RefusingWorld extends RolloutWorld {
  override async createReplicaSet(ns: string, rs: V1ReplicaSet): Promise<void> {
    const bad = rs.spec?.template?.spec?.containers.some((c) => c.resources?.requests?.memory === 'invalid');
    if (bad) throw new ReplicaSetRefusedError({ message: DECODE, causes: [] });
    return super.createReplicaSet(ns, rs);
  }
}

describe('a template the apiserver refuses', () => {
  it('is InvalidSpec naming the field and the apiserver\'s message, the pass still fails (retried with backoff), and the fixed template clears it', async () => {
    const world = new RefusingWorld({
      replicas: 1,
      selector: { matchLabels: { app: 'app' } },
      template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'web', image: 'app:1', resources: { requests: { memory: 'invalid' } } }] } },
      strategy: { canary: { steps: [{ setWeight: 50 }] } },
    });
    await assert.rejects(world.pass(), ReplicaSetRefusedError);
    const condition = world.status.conditions?.find((c) => c.type === 'InvalidSpec');
    assert.equal(condition?.status, 'True');
    assert.equal(condition?.message, `The Rollout "app" is invalid: spec.template.spec.containers[0].resources.requests.memory: Invalid value: "invalid": ${DECODE}`);
    assert.equal(world.status.phase, 'Degraded');
    assert.deepEqual(world.reasons(), ['InvalidSpec']);

    await assert.rejects(world.pass(), ReplicaSetRefusedError);
    assert.deepEqual(world.reasons(), ['InvalidSpec'], 'the warning is not repeated while the refusal is the same');

    (world.spec.template as { spec: { containers: Array<{ resources: object }> } }).spec.containers[0]!.resources = { requests: { memory: '64Mi' } };
    world.rollout.metadata.generation = 2;
    await world.pass();
    assert.equal(world.status.conditions?.find((c) => c.type === 'InvalidSpec'), undefined);
    assert.equal(world.replicaSets.size, 1);
  });
});
