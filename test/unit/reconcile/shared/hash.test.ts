import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { canonicalJson, defaultPullPolicy, fnv1a32, normalizeQuantity, podTemplateHash, safeEncodeString, templatesEqualIgnoringHash } from '../../../../controller/reconcile/shared/hash.ts';

/** Its canonical JSON is exactly the byte string used for the Go reference values below. */
const demo = (): V1PodTemplateSpec => ({
  metadata: { labels: { app: 'demo' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
});

describe('fnv1a32 and safeEncodeString', () => {
  // Reference values printed by Go's hash/fnv New32a and k8s.io/apimachinery rand.SafeEncodeString.
  const cases: [string, number, string][] = [
    ['', 2166136261, '65bb57b6b5'],
    ['{}', 1415952421, '5859f96865'],
    ['héllo', 1252296000, '56966fb444'],
  ];
  for (const [input, sum, encoded] of cases) {
    it(`hashes ${JSON.stringify(input)} like Go`, () => {
      const value = fnv1a32(new TextEncoder().encode(input));
      assert.equal(value, sum);
      assert.equal(safeEncodeString(String(value)), encoded);
    });
  }
});

describe('podTemplateHash', () => {
  it('matches the Go reference for the same bytes, with and without a collision count', () => {
    assert.equal(canonicalJson(demo()), '{"metadata":{"labels":{"app":"demo"}},"spec":{"containers":[{"image":"nginx:1.25","name":"web"}]}}');
    assert.equal(podTemplateHash(demo()), '5f7455496d');
    assert.equal(podTemplateHash(demo(), 0), '74958bb748');
    assert.equal(podTemplateHash(demo(), 1), '7675b5885');
    assert.equal(podTemplateHash(demo(), -1), '75c58544cb');
  });

  it('looks like a Kubernetes hash', () => {
    assert.match(podTemplateHash(demo()), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it('does not depend on key order', () => {
    const reordered: V1PodTemplateSpec = {
      spec: { containers: [{ image: 'nginx:1.25', name: 'web' }] },
      metadata: { labels: { app: 'demo' } },
    };
    assert.equal(podTemplateHash(reordered), podTemplateHash(demo()));
  });

  it('ignores its own label, empty fields and nulls', () => {
    const decorated = {
      metadata: { labels: { app: 'demo', 'rollouts-pod-template-hash': 'abc' }, creationTimestamp: null, annotations: {} },
      spec: { containers: [{ name: 'web', image: 'nginx:1.25', env: [], resources: {} }], volumes: [] },
    } as unknown as V1PodTemplateSpec;
    assert.equal(podTemplateHash(decorated), podTemplateHash(demo()));
  });

  const changes: [string, (t: V1PodTemplateSpec) => void][] = [
    ['the image', (t) => (t.spec!.containers[0]!.image = 'nginx:1.26')],
    ['a label', (t) => (t.metadata!.labels!.tier = 'web')],
    ['an annotation', (t) => (t.metadata!.annotations = { note: 'x' })],
    ['an env var', (t) => (t.spec!.containers[0]!.env = [{ name: 'A', value: '1' }])],
    ['a label value set to empty', (t) => (t.metadata!.labels!.app = '')],
  ];
  for (const [what, change] of changes) {
    it(`changes when ${what} changes`, () => {
      const changed = demo();
      change(changed);
      assert.notEqual(podTemplateHash(changed), podTemplateHash(demo()));
    });
  }

  it('changes with the collision count', () => {
    assert.notEqual(podTemplateHash(demo(), 1), podTemplateHash(demo(), 2));
  });

  it('treats a missing template as empty', () => {
    assert.equal(podTemplateHash(undefined), podTemplateHash({}));
  });
});

/** The template of a ReplicaSet Argo Rollouts created from demo(), as the API server returns it. */
function argoLiveTemplate(): V1PodTemplateSpec {
  return {
    metadata: { labels: { app: 'demo', 'rollouts-pod-template-hash': '6d4f8b9c7' }, creationTimestamp: undefined },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: {},
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    },
  };
}

describe('templatesEqualIgnoringHash', () => {
  it('recognises a ReplicaSet template the API server defaulted, whatever its hash label', () => {
    assert.equal(templatesEqualIgnoringHash(argoLiveTemplate(), demo()), true);
    assert.equal(templatesEqualIgnoringHash(demo(), argoLiveTemplate()), true);
  });

  it('applies the defaults of ports, probes, volumes and env field references', () => {
    const desired: V1PodTemplateSpec = {
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx',
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { port: 80 } },
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          },
        ],
        volumes: [{ name: 'scratch' }, { name: 'config', configMap: { name: 'cfg' } }],
      },
    };
    const live = structuredClone(desired);
    const c = live.spec!.containers[0]!;
    c.imagePullPolicy = 'Always';
    c.terminationMessagePath = '/dev/termination-log';
    c.terminationMessagePolicy = 'File';
    c.ports = [{ containerPort: 80, protocol: 'TCP' }];
    c.readinessProbe = { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
    c.env = [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } }];
    live.spec!.volumes = [
      { name: 'scratch', emptyDir: {} },
      { name: 'config', configMap: { name: 'cfg', defaultMode: 420 } },
    ];
    Object.assign(live.spec!, { dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 });
    assert.equal(templatesEqualIgnoringHash(live, desired), true);
  });

  it('compares resource quantities by value', () => {
    const desired = demo();
    desired.spec!.containers[0]!.resources = { requests: { cpu: '0.5', memory: '1Gi' }, limits: { cpu: 1 as unknown as string } };
    const live = argoLiveTemplate();
    live.spec!.containers[0]!.resources = { requests: { cpu: '500m', memory: '1024Mi' }, limits: { cpu: '1' } };
    assert.equal(templatesEqualIgnoringHash(live, desired), true);
    live.spec!.containers[0]!.resources = { requests: { cpu: '600m', memory: '1Gi' }, limits: { cpu: '1' } };
    assert.equal(templatesEqualIgnoringHash(live, desired), false);
  });

  it('ignores the deprecated serviceAccount the API server fills in', () => {
    const desired = demo();
    desired.spec!.serviceAccountName = 'app';
    const live = argoLiveTemplate();
    live.spec!.serviceAccountName = 'app';
    live.spec!.serviceAccount = 'app';
    assert.equal(templatesEqualIgnoringHash(live, desired), true);
  });

  const differences: [string, (t: V1PodTemplateSpec) => void][] = [
    ['a different image', (t) => (t.spec!.containers[0]!.image = 'nginx:1.26')],
    ['an extra label', (t) => (t.metadata!.labels!.tier = 'web')],
    ['a label with an empty value', (t) => (t.metadata!.labels!.tier = '')],
    ['runAsUser 0 (root) against unset', (t) => (t.spec!.securityContext = { runAsUser: 0 })],
    ['automountServiceAccountToken false against unset', (t) => (t.spec!.automountServiceAccountToken = false)],
    ['terminationGracePeriodSeconds 0 against the default 30', (t) => (t.spec!.terminationGracePeriodSeconds = 0)],
    ['an explicit pull policy other than the default', (t) => (t.spec!.containers[0]!.imagePullPolicy = 'Always')],
  ];
  for (const [what, change] of differences) {
    it(`tells apart ${what}`, () => {
      const desired = demo();
      change(desired);
      assert.equal(templatesEqualIgnoringHash(argoLiveTemplate(), desired), false);
    });
  }

  it('treats Go zero values as missing', () => {
    const desired = demo();
    Object.assign(desired.spec!, { hostNetwork: false, containers: [{ name: 'web', image: 'nginx:1.25', env: [], stdin: false, workingDir: '' }] });
    desired.spec!.containers[0]!.ports = [{ containerPort: 80, hostPort: 0 }];
    const live = argoLiveTemplate();
    live.spec!.containers[0]!.ports = [{ containerPort: 80, protocol: 'TCP' }];
    assert.equal(templatesEqualIgnoringHash(live, desired), true);
  });
});

describe('defaultPullPolicy', () => {
  const cases: [string, string][] = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry:5000/team/app', 'Always'],
    ['registry:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123abcd', 'IfNotPresent'],
    ['nginx:latest@sha256:0123abcd', 'Always'],
  ];
  for (const [image, policy] of cases) {
    it(`${image} → ${policy}`, () => assert.equal(defaultPullPolicy(image), policy));
  }
});

describe('normalizeQuantity', () => {
  const cases: [string, string][] = [
    ['1', '1000m'],
    ['1000m', '1000m'],
    ['0.5', '500m'],
    ['.5', '500m'],
    ['1k', '1000000m'],
    ['1Ki', '1024000m'],
    ['1.5Gi', `${1.5 * 1024 ** 3 * 1000}m`],
    ['1e3', '1000000m'],
    ['2E', `${2n * 10n ** 21n}m`],
    ['100n', '1m'],
    ['-1', '-1000m'],
    ['lots', 'lots'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => assert.equal(normalizeQuantity(input), expected));
  }
});
