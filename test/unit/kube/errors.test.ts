import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';
import {
  describeKubeError,
  isConflict,
  isGone,
  isNotFound,
  KubeApiError,
  KubeConfigError,
  KubeRequestError,
  wrapKubeError,
  type KubeTarget,
} from '../../../controller/kube/errors.ts';

const listRollouts: KubeTarget = { verb: 'list', group: 'argoproj.io', resource: 'rollouts', namespace: 'x' };
const patchRollout: KubeTarget = { verb: 'patch', group: 'argoproj.io', resource: 'rollouts', namespace: 'shop', name: 'web' };

function status(code: number, reason: string, message: string): KubeApiError['status'] {
  return { kind: 'Status', status: 'Failure', code, reason, message };
}

/** What node-fetch throws when nothing listens on the port. */
function connectionRefused(): Error {
  const err = new Error('request to https://127.0.0.1:6443/apis/argoproj.io/v1alpha1/rollouts failed, reason: connect ECONNREFUSED 127.0.0.1:6443');
  Object.assign(err, { name: 'FetchError', type: 'system', code: 'ECONNREFUSED', errno: 'ECONNREFUSED' });
  return err;
}

describe('describeKubeError', () => {
  const cases: Array<[string, unknown, string]> = [
    [
      '403 names the verb, the resource, the namespace and the permission to grant',
      new KubeApiError(listRollouts, 403, status(403, 'Forbidden', 'rollouts.argoproj.io is forbidden: User "system:serviceaccount:x:ramp" cannot list resource "rollouts"')),
      `forbidden: cannot list rollouts.argoproj.io in namespace "x": grant the controller's ServiceAccount list/watch on rollouts (apiGroup argoproj.io)`,
    ],
    [
      '403 at cluster scope',
      new KubeApiError({ verb: 'watch', group: 'apps', resource: 'replicasets' }, 403, undefined),
      `forbidden: cannot watch replicasets.apps at cluster scope: grant the controller's ServiceAccount list/watch on replicasets (apiGroup apps)`,
    ],
    [
      '403 on a Lease',
      new KubeApiError({ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'ops', name: 'ramp-controller-lock' }, 403, undefined),
      `forbidden: cannot update leases.coordination.k8s.io "ramp-controller-lock" in namespace "ops": grant the controller's ServiceAccount update on leases (apiGroup coordination.k8s.io)`,
    ],
    [
      '401 says the credentials were rejected',
      new KubeApiError(listRollouts, 401, status(401, 'Unauthorized', 'Unauthorized')),
      `unauthorized: the apiserver rejected the controller's credentials while trying to list rollouts.argoproj.io: refresh the kubeconfig user's token or certificate (or the ServiceAccount token)`,
    ],
    [
      '404 on an Argo collection means the CRDs are missing',
      new KubeApiError(listRollouts, 404, undefined),
      'not found: rollouts.argoproj.io is not served by the apiserver: install the Argo Rollouts CRDs (kubectl apply -f crds/)',
    ],
    [
      '404 on one object',
      new KubeApiError(patchRollout, 404, status(404, 'NotFound', 'rollouts.argoproj.io "web" not found')),
      'not found: rollouts.argoproj.io "web" in namespace "shop" does not exist',
    ],
    [
      '409 conflict',
      new KubeApiError(patchRollout, 409, status(409, 'Conflict', 'the object has been modified')),
      'conflict: cannot patch rollouts.argoproj.io "web" in namespace "shop": it changed since it was read: retrying with the latest version',
    ],
    [
      '409 already exists',
      new KubeApiError({ ...patchRollout, verb: 'create' }, 409, status(409, 'AlreadyExists', 'already exists')),
      'already exists: rollouts.argoproj.io "web" in namespace "shop"',
    ],
    [
      '422 keeps the apiserver message on one line',
      new KubeApiError(patchRollout, 422, status(422, 'Invalid', 'Rollout.argoproj.io "web" is invalid:\nspec.replicas: Invalid value: -1')),
      'invalid: Rollout.argoproj.io "web" is invalid:; spec.replicas: Invalid value: -1',
    ],
    [
      '503 blames the apiserver and says it retries',
      new KubeApiError(listRollouts, 503, status(503, 'ServiceUnavailable', 'etcdserver: leader changed')),
      'apiserver error 503 while trying to list rollouts.argoproj.io in namespace "x": etcdserver: leader changed: the apiserver or etcd is unhealthy; retrying with backoff',
    ],
    [
      'connection refused names the server',
      new KubeRequestError(listRollouts, { cause: connectionRefused() }),
      'cannot reach the apiserver at https://127.0.0.1:6443 (list rollouts.argoproj.io): connection refused: check the kubeconfig server address and that the apiserver is running',
    ],
    [
      'a bad kubeconfig says which file and what to fix',
      new KubeConfigError('/etc/kube/config', 'cannot be read or parsed', { cause: new Error("ENOENT: no such file or directory, open '/etc/kube/config'") }),
      "bad kubeconfig /etc/kube/config: cannot be read or parsed: ENOENT: no such file or directory, open '/etc/kube/config': fix --kubeconfig, KUBECONFIG or --context",
    ],
    [
      'an untyped client-node ApiException still gets a status-based line',
      new ApiException(500, 'Internal', '{}', {}),
      'apiserver error 500 while trying to call the Kubernetes API: the apiserver or etcd is unhealthy; retrying with backoff',
    ],
  ];
  for (const [name, err, expected] of cases) {
    it(name, () => {
      const line = describeKubeError(err);
      assert.equal(line, expected);
      assert.ok(!line.includes('\n'));
    });
  }

  it('finds the cause through wrapping', () => {
    const wrapped = new Error('rollout shop/web: observe failed', { cause: new KubeApiError(listRollouts, 403, undefined) });
    assert.match(describeKubeError(wrapped), /^forbidden: cannot list rollouts.argoproj.io/);
  });
});

describe('wrapKubeError', () => {
  it('turns a client-node ApiException into a KubeApiError naming the object, keeping the cause', () => {
    const original = new ApiException(409, 'Conflict', JSON.stringify(status(409, 'Conflict', 'the object has been modified')), {});
    const wrapped = wrapKubeError(original, patchRollout);
    assert.ok(wrapped instanceof KubeApiError);
    assert.equal(wrapped.cause, original);
    assert.equal(wrapped.message, 'kube: patch rollouts.argoproj.io shop/web: 409 Conflict: the object has been modified');
    assert.ok(isConflict(wrapped));
  });

  it('turns a transport failure into a KubeRequestError', () => {
    const wrapped = wrapKubeError(connectionRefused(), listRollouts);
    assert.ok(wrapped instanceof KubeRequestError);
    assert.match(wrapped.message, /^kube: list rollouts.argoproj.io x: request to https/);
  });
});

describe('status predicates', () => {
  it('recognise 404, 409 and 410 through causes', () => {
    const gone = new Error('informer', { cause: new KubeApiError(listRollouts, 410, status(410, 'Expired', 'too old resource version')) });
    assert.ok(isGone(gone));
    assert.ok(isNotFound(new KubeApiError(patchRollout, 404, undefined)));
    assert.ok(!isNotFound(gone));
  });
});
