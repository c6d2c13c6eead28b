import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controllerNamespace, parseConfig, type Config, type Env } from '../../../controller/runtime/config.ts';

const host = { hostname: 'ramp-7f9c', pid: 42 };
const home: Env = { HOME: '/home/ramp' };

function run(argv: string[], env: Env = home): Config {
  const outcome = parseConfig(argv, env, host);
  assert.equal(outcome.kind, 'run', outcome.kind === 'error' ? outcome.message : outcome.kind);
  return (outcome as { kind: 'run'; config: Config }).config;
}

function error(argv: string[], env: Env = home): string {
  const outcome = parseConfig(argv, env, host);
  assert.equal(outcome.kind, 'error');
  return (outcome as { kind: 'error'; message: string }).message;
}

describe('parseConfig', () => {
  it('defaults match Argo Rollouts: 10 workers, metrics on 8090, leader election on, cluster-wide', () => {
    const config = run([]);
    assert.deepEqual(
      {
        workers: config.workers,
        qps: config.qps,
        burst: config.burst,
        metricsPort: config.metricsPort,
        healthzPort: config.healthzPort,
        leaderElect: config.leaderElect,
        leaseName: config.leaseName,
        namespace: config.namespace,
        namespaced: config.namespaced,
        instanceId: config.instanceId,
        logLevel: config.logLevel,
        resyncSeconds: config.resyncSeconds,
      },
      {
        workers: 10,
        qps: 40,
        burst: 80,
        metricsPort: 8090,
        healthzPort: 8080,
        leaderElect: true,
        leaseName: 'ramp-controller-lock',
        namespace: undefined,
        namespaced: false,
        instanceId: undefined,
        logLevel: 'info',
        resyncSeconds: 900,
      },
    );
  });

  it('--qps and --burst set the client-side rate limit; --qps 0 turns it off, a fraction is allowed', () => {
    assert.deepEqual([run(['--qps', '2.5', '--burst', '5']).qps, run(['--qps', '2.5', '--burst', '5']).burst], [2.5, 5]);
    assert.equal(run(['--qps', '0']).qps, 0);
    assert.match(error(['--qps', 'fast']), /invalid --qps "fast": must be a number of requests per second/);
    assert.match(error(['--burst', '0']), /invalid --burst "0": must be at least 1/);
  });

  it('identity is hostname and pid', () => {
    assert.equal(run([]).identity, 'ramp-7f9c_42');
  });

  it('reads every flag', () => {
    const config = run([
      '--kubeconfig', '/tmp/kc',
      '--context', 'kind-dev',
      '--namespace', 'shop',
      '--namespaced',
      '--self-service-notification-enabled',
      '--instance-id', 'blue',
      '--workers', '4',
      '--qps', '20',
      '--burst', '30',
      '--metrics-port', '9000',
      '--healthz-port=9001',
      '--leader-elect=false',
      '--lease-namespace', 'ops',
      '--lease-name', 'ramp.lock',
      '--log-level', 'debug',
      '--resync-seconds', '0',
      '--shutdown-grace-seconds', '5',
      '--istio-api-version', 'v1beta1',
      '--ambassador-api-version', 'getambassador.io/v3alpha1',
      '--traffic-split-api-version', 'v1alpha3',
      '--traefik-api-group', 'traefik.containo.us',
      '--traefik-api-version', 'traefik.containo.us/v1alpha1',
      '--appmesh-crd-version', 'v1beta1',
    ]);
    assert.deepEqual(config, {
      kubeconfig: { kind: 'files', paths: ['/tmp/kc'] },
      context: 'kind-dev',
      namespace: 'shop',
      namespaced: true,
      selfServiceNotificationEnabled: true,
      instanceId: 'blue',
      workers: 4,
      qps: 20,
      burst: 30,
      metricsPort: 9000,
      healthzPort: 9001,
      leaderElect: false,
      leaseNamespace: 'ops',
      leaseName: 'ramp.lock',
      logLevel: 'debug',
      resyncSeconds: 0,
      shutdownGraceSeconds: 5,
      identity: 'ramp-7f9c_42',
      istioApiVersion: 'v1beta1',
      ambassadorApiVersion: 'getambassador.io/v3alpha1',
      trafficSplitApiVersion: 'v1alpha3',
      traefikApiGroup: 'traefik.containo.us',
      traefikApiVersion: 'traefik.containo.us/v1alpha1',
      appmeshCrdVersion: 'v1beta1',
    });
  });

  it('defaults --ambassador-api-version to Argo\'s getambassador.io/v2, reads a bare version in that group, refuses other groups', () => {
    assert.equal(run([]).ambassadorApiVersion, 'getambassador.io/v2');
    assert.equal(run(['--ambassador-api-version', 'v3alpha1']).ambassadorApiVersion, 'getambassador.io/v3alpha1');
    assert.equal(run(['--ambassador-api-version', 'x.getambassador.io/v3alpha1']).ambassadorApiVersion, 'x.getambassador.io/v3alpha1');
    const outcome = parseConfig(['--ambassador-api-version', 'example.com/v1'], home, { hostname: 'h', pid: 1 });
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /^invalid --ambassador-api-version "example\.com\/v1": must be getambassador\.io\/<version>/);
  });

  it('defaults the SMI and Traefik flags as Argo does and refuses values no router can use', () => {
    const config = run([]);
    assert.deepEqual(
      { smi: config.trafficSplitApiVersion, group: config.traefikApiGroup, version: config.traefikApiVersion },
      { smi: 'v1alpha1', group: 'traefik.io', version: 'traefik.io/v1alpha1' },
    );
    assert.equal(run([], { ...home, RAMP_TRAFFIC_SPLIT_API_VERSION: 'v1alpha2' }).trafficSplitApiVersion, 'v1alpha2');
    assert.equal(error(['--traffic-split-api-version', 'v1']), 'invalid --traffic-split-api-version "v1": must be one of v1alpha1, v1alpha2, v1alpha3');
    assert.equal(error(['--traefik-api-group', 'example.com']), 'invalid --traefik-api-group "example.com": must be one of traefik.io, traefik.containo.us');
    assert.match(error(['--traefik-api-version', 'traefik.io/']), /^invalid --traefik-api-version "traefik\.io\/": must be <group>\/<version>/);
  });

  it('defaults --istio-api-version to Argo\'s v1alpha3 and refuses a value that is not a version', () => {
    assert.equal(run([]).istioApiVersion, 'v1alpha3');
    const outcome = parseConfig(['--istio-api-version', 'networking.istio.io/v1'], home, { hostname: 'h', pid: 1 });
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /^invalid --istio-api-version "networking\.istio\.io\/v1": must be a Kubernetes API version/);
  });

  it('defaults --appmesh-crd-version to Argo\'s v1beta2 and refuses a value that is not a version', () => {
    assert.equal(run([]).appmeshCrdVersion, 'v1beta2');
    const outcome = parseConfig(['--appmesh-crd-version', 'appmesh.k8s.aws/v1beta2'], home, { hostname: 'h', pid: 1 });
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /^invalid --appmesh-crd-version "appmesh\.k8s\.aws\/v1beta2": must be a Kubernetes API version/);
  });

  for (const [argv, expected] of [
    [['--leader-elect'], true],
    [['--leader-elect', 'false'], false],
    [['--leader-elect=true'], true],
    [['--no-leader-elect'], false],
  ] as const) {
    it(`${argv.join(' ')} sets leader election to ${expected}`, () => {
      assert.equal(run([...argv]).leaderElect, expected);
    });
  }

  it('environment variables apply when the flag is absent, and flags win over them', () => {
    const env: Env = { ...home, RAMP_WORKERS: '3', RAMP_NAMESPACE: 'team-a', RAMP_LEADER_ELECT: 'no' };
    const fromEnv = run([], env);
    assert.equal(fromEnv.workers, 3);
    assert.equal(fromEnv.namespace, 'team-a');
    assert.equal(fromEnv.leaderElect, false);
    assert.equal(run(['--workers', '7'], env).workers, 7);
  });

  it('the lease namespace falls back to POD_NAMESPACE', () => {
    assert.equal(run([], { ...home, POD_NAMESPACE: 'argo-rollouts' }).leaseNamespace, 'argo-rollouts');
  });

  describe('kubeconfig resolution', () => {
    it('--kubeconfig wins over KUBECONFIG', () => {
      assert.deepEqual(run(['--kubeconfig', '/a'], { KUBECONFIG: '/b' }).kubeconfig, { kind: 'files', paths: ['/a'] });
    });
    it('KUBECONFIG may list several files', () => {
      assert.deepEqual(run([], { KUBECONFIG: '/a::/b' }).kubeconfig, { kind: 'files', paths: ['/a', '/b'] });
    });
    it('inside a pod the service account is used', () => {
      assert.deepEqual(run([], { ...home, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }).kubeconfig, {
        kind: 'in-cluster',
        host: '10.96.0.1',
        port: '443',
      });
    });
    it('otherwise ~/.kube/config', () => {
      assert.deepEqual(run([]).kubeconfig, { kind: 'files', paths: ['/home/ramp/.kube/config'] });
    });
    it('with nothing to go on, says what to do', () => {
      assert.equal(error([], {}), 'no kubeconfig found: pass --kubeconfig, set KUBECONFIG, or run inside a pod');
    });
  });

  describe('bad values give one line naming the flag', () => {
    const cases: Array<[string[], string]> = [
      [['--workers', 'abc'], 'invalid --workers "abc": must be an integer from 1 to 1000'],
      [['--workers', '0'], 'invalid --workers "0": must be at least 1'],
      [['--metrics-port', '70000'], 'invalid --metrics-port "70000": must be at most 65535'],
      [['--healthz-port', '-1'], 'invalid --healthz-port "-1": must be an integer from 0 to 65535'],
      [['--namespace', 'Shop_1'], 'invalid --namespace "Shop_1": must be a DNS-1123 label (lowercase letters, digits and "-")'],
      [['--instance-id', 'a b'], 'invalid --instance-id "a b": must be a valid label value'],
      [['--leader-elect=maybe'], 'invalid --leader-elect "maybe": must be true or false'],
      [['--log-level', 'loud'], 'invalid --log-level "loud": must be one of trace, debug, info, warn, error, fatal, silent'],
      [['--lease-name', 'Lock'], 'invalid --lease-name "Lock": must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".")'],
      [['--resync-seconds', '1.5'], 'invalid --resync-seconds "1.5": must be an integer from 0 to 86400'],
      [['--frobnicate'], "unknown option '--frobnicate'"],
      [['--workers'], "option '--workers <value>' argument missing"],
    ];
    for (const [argv, message] of cases) {
      it(argv.join(' '), () => {
        const got = error(argv);
        assert.equal(got, message);
        assert.ok(!got.includes('\n'));
      });
    }

    it('--namespaced without a namespace to watch', () => {
      assert.equal(error(['--namespaced']), '--namespaced needs --namespace (or RAMP_NAMESPACE): the namespace to watch');
      assert.equal(error([], { ...home, RAMP_NAMESPACED: 'true' }), 'RAMP_NAMESPACED needs --namespace (or RAMP_NAMESPACE): the namespace to watch');
      assert.equal(run(['--namespaced'], { ...home, RAMP_NAMESPACE: 'team-a' }).namespaced, true);
    });

    it("--alb-verify-weight: Argo's AWS target-group verification is refused, since Ramp makes no AWS calls", () => {
      assert.match(error(['--alb-verify-weight']), /^--alb-verify-weight: Ramp makes no AWS API calls, so it cannot verify ALB target group weights/);
      assert.match(error([], { ...home, RAMP_ALB_VERIFY_WEIGHT: 'true' }), /^RAMP_ALB_VERIFY_WEIGHT: Ramp makes no AWS API calls/);
      assert.equal(run(['--alb-verify-weight=false']).workers, 10);
    });

    it("--self-service-notification-enabled, as Argo's", () => {
      assert.equal(run(['--self-service-notification-enabled']).selfServiceNotificationEnabled, true);
      assert.equal(run([]).selfServiceNotificationEnabled, false);
    });

    it('names the environment variable when the value came from there', () => {
      assert.equal(error([], { ...home, RAMP_WORKERS: 'many' }), 'invalid RAMP_WORKERS "many": must be an integer from 1 to 1000');
    });
  });

  it('--help returns the usage text instead of exiting', () => {
    const outcome = parseConfig(['--help'], home, host);
    assert.equal(outcome.kind, 'help');
    assert.match((outcome as { text: string }).text, /--instance-id <value>/);
  });
});

describe('the controller namespace (Lease, provider Secrets)', () => {
  it('is the lease namespace (POD_NAMESPACE), else the watched namespace, else the kubeconfig namespace', () => {
    assert.equal(controllerNamespace({ leaseNamespace: 'ramp', namespace: 'team' }, 'default'), 'ramp');
    assert.equal(controllerNamespace({ namespace: 'team' }, 'default'), 'team');
    assert.equal(controllerNamespace({}, 'from-context'), 'from-context');
  });
});
