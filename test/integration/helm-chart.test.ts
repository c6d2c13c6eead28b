import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseConfig, type Config } from '../../controller/runtime/config.ts';
import { repoRoot } from '../cluster/layout.ts';
import { CHART, helm, objectOf, renderChart, type RenderedObject, type Rendering } from '../support/helm.ts';
import { controllerRules, dashboardRules, namespacedRules, type Rule } from '../support/install-rules.ts';

/**
 * install/helm/ramp rendered by a real helm (built from the Go module proxy with the control
 * plane): `helm lint` passes, and `helm template` with the default values, namespace-scoped mode,
 * the dashboard on and off, and custom image, replicas, resources and instance id renders the
 * objects the kustomize install has, with the rules test/unit/install/manifests.test.ts compares
 * the kustomize manifests with, and controller arguments the controller itself accepts.
 * test/e2e/helm-install.test.ts applies the rendering to the control plane.
 */

interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  resources?: unknown;
  env?: Array<{ name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
}
interface Deployment {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { serviceAccountName: string; securityContext: { runAsNonRoot: boolean; runAsUser: number }; containers: Container[] };
    };
  };
}
interface RoleLike {
  rules: Rule[];
}
interface Binding {
  roleRef: { kind: string; name: string };
  subjects: Array<{ kind: string; name: string; namespace: string }>;
}

const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const kustomizeDeployment = parse(readFileSync(join(repoRoot, 'install/base/deployment.yaml'), 'utf8')) as Deployment;
const NS = 'shop';
const RELEASE = 'ramp';

const kinds = (r: Rendering): string[] => r.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const controller = (r: Rendering): Deployment & RenderedObject => objectOf<Deployment>(r, 'Deployment', 'ramp-controller');
const controllerContainer = (r: Rendering): Container => controller(r).spec.template.spec.containers[0]!;

/** What the controller makes of the rendered arguments, in a pod of namespace `ns`. */
function controllerConfig(r: Rendering, ns = NS): Config {
  const container = controllerContainer(r);
  const fromPod = Object.fromEntries((container.env ?? []).filter((e) => e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace').map((e) => [e.name, ns]));
  const parsed = parseConfig(container.args ?? [], { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', ...fromPod }, { hostname: 'ramp-controller-0', pid: 1 });
  assert.equal(parsed.kind, 'run', `the controller refuses the chart's arguments ${JSON.stringify(container.args)}: ${JSON.stringify(parsed)}`);
  return (parsed as { kind: 'run'; config: Config }).config;
}

describe('helm lint', () => {
  for (const [what, set] of [['default values', []], ['namespaced, with the dashboard', ['--set', 'namespaced=true', '--set', 'dashboard.enabled=true']]] as const) {
    it(`passes with ${what}, strict`, () => {
      const out = helm('lint', '--strict', CHART, ...set);
      assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe('helm template', () => {
  it('default values: the controller cluster-wide with its ClusterRole, the Lease Role, no dashboard', () => {
    const r = renderChart(RELEASE, NS);
    assert.deepEqual(kinds(r), [
      'ClusterRole/ramp-controller',
      'ClusterRoleBinding/ramp-controller',
      'Deployment/ramp-controller',
      'Role/ramp-controller-leader-election',
      'Role/ramp-controller-notifications',
      'RoleBinding/ramp-controller-leader-election',
      'RoleBinding/ramp-controller-notifications',
      'Service/ramp-controller-metrics',
      'ServiceAccount/ramp-controller',
    ]);
    for (const o of r.objects) {
      if (!o.kind.startsWith('Cluster')) assert.equal(o.metadata.namespace, NS, `${o.kind}/${o.metadata.name} is in the release namespace`);
      assert.equal(o.metadata.labels?.['app.kubernetes.io/instance'], RELEASE);
    }
    assert.deepEqual(objectOf<RoleLike>(r, 'ClusterRole', 'ramp-controller').rules, controllerRules(), 'the rules of files/controller-rules.yaml, as install/cluster-rbac/clusterrole.yaml');
    const binding = objectOf<Binding>(r, 'ClusterRoleBinding', 'ramp-controller');
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ramp-controller' });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'ramp-controller', namespace: NS }]);
    assert.deepEqual(objectOf<RoleLike>(r, 'Role', 'ramp-controller-leader-election').rules, [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }]);
    assert.deepEqual(objectOf<RoleLike>(r, 'Role', 'ramp-controller-notifications').rules, (parse(readFileSync(join(repoRoot, 'install/base/notifications-role.yaml'), 'utf8')) as { rules: unknown }).rules, 'the same Role as install/base');

    const deployment = controller(r);
    assert.equal(deployment.spec.replicas, 2);
    const pod = deployment.spec.template.spec;
    assert.equal(pod.serviceAccountName, 'ramp-controller');
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.runAsUser, kustomizeDeployment.spec.template.spec.securityContext.runAsUser, 'the uid of the image (Dockerfile USER), as the kustomize Deployment');
    for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) assert.equal(deployment.spec.template.metadata.labels[k], v, `the pod template carries the selector label ${k}`);
    const container = controllerContainer(r);
    assert.equal(container.image, `ramp:${packageVersion}`, 'the image tag defaults to appVersion, the package version');
    assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
    assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
    assert.deepEqual(container.resources, { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } });

    const config = controllerConfig(r);
    assert.equal(config.leaderElect, true);
    assert.equal(config.leaseName, 'ramp-controller-lock');
    assert.equal(config.leaseNamespace, NS, 'the Lease in the release namespace, from POD_NAMESPACE');
    assert.equal(config.namespace, undefined, 'every namespace');
    assert.equal(config.namespaced, false);
    assert.equal(config.instanceId, undefined);
    assert.equal(config.metricsPort, 8090);
    assert.equal(config.healthzPort, 8080);
    const service = objectOf<{ spec: { selector: Record<string, string>; ports: Array<{ port: number }> } }>(r, 'Service', 'ramp-controller-metrics');
    assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
    assert.equal(service.spec.ports[0]?.port, config.metricsPort);
  });

  it('namespaced=true: a Role with the rules less the cluster-scoped kinds, nothing cluster-scoped, --namespace and --namespaced', () => {
    const r = renderChart(RELEASE, NS, { namespaced: true });
    assert.deepEqual(r.objects.filter((o) => o.kind.startsWith('Cluster')).map((o) => o.kind), []);
    assert.deepEqual(objectOf<RoleLike>(r, 'Role', 'ramp-controller').rules, namespacedRules(controllerRules()), 'the rules of install/namespaced/role.yaml');
    const binding = objectOf<Binding>(r, 'RoleBinding', 'ramp-controller');
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'ramp-controller' });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'ramp-controller', namespace: NS }]);
    for (const o of r.objects) assert.equal(o.metadata.namespace, NS, `${o.kind}/${o.metadata.name}`);
    const config = controllerConfig(r);
    assert.equal(config.namespace, NS);
    assert.equal(config.namespaced, true);
    assert.equal(config.leaderElect, true);
  });

  it('notifications.selfService=true: --self-service-notification-enabled, and cluster-wide a ClusterRole reading the two notification objects by name', () => {
    assert.equal(controllerConfig(renderChart(RELEASE, NS)).selfServiceNotificationEnabled, false);
    const r = renderChart(RELEASE, NS, { 'notifications.selfService': true });
    assert.equal(controllerConfig(r).selfServiceNotificationEnabled, true);
    assert.deepEqual(objectOf<RoleLike>(r, 'ClusterRole', 'ramp-controller-notifications').rules, objectOf<RoleLike>(r, 'Role', 'ramp-controller-notifications').rules, 'the same rules, in every namespace');
    const binding = objectOf<Binding>(r, 'ClusterRoleBinding', 'ramp-controller-notifications');
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'ramp-controller', namespace: NS }]);
    const scoped = renderChart(RELEASE, NS, { 'notifications.selfService': true, namespaced: true });
    assert.deepEqual(scoped.objects.filter((o) => o.kind.startsWith('Cluster')).map((o) => o.kind), [], 'namespaced, the Role in the one namespace is enough');
  });

  it('dashboard.enabled=true: its ServiceAccount, ClusterRole with the dashboard rules, Deployment and Service; namespaced, a Role', () => {
    const r = renderChart(RELEASE, NS, { 'dashboard.enabled': true });
    for (const kind of ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Service']) objectOf(r, kind, 'ramp-dashboard');
    assert.deepEqual(objectOf<RoleLike>(r, 'ClusterRole', 'ramp-dashboard').rules, dashboardRules(), 'the rules of install/dashboard/clusterrole.yaml');
    const dashboard = objectOf<Deployment>(r, 'Deployment', 'ramp-dashboard').spec.template.spec;
    assert.equal(dashboard.serviceAccountName, 'ramp-dashboard');
    assert.equal(dashboard.securityContext.runAsNonRoot, true);
    const container = dashboard.containers[0]!;
    assert.deepEqual(container.command, ['node', 'bin/kubectl-ramp.mjs', 'dashboard', '--address=0.0.0.0', '--port=3100']);
    assert.ok(container.env?.some((e) => e.name === 'RAMP_DASHBOARD_TOKEN'), 'the token from the Secret');
    assert.equal(container.image, `ramp:${packageVersion}`);

    const scoped = renderChart(RELEASE, NS, { 'dashboard.enabled': true, namespaced: true, 'dashboard.readOnly': true });
    assert.deepEqual(scoped.objects.filter((o) => o.kind.startsWith('Cluster')).map((o) => o.kind), []);
    assert.deepEqual(objectOf<RoleLike>(scoped, 'Role', 'ramp-dashboard').rules, dashboardRules());
    assert.equal(objectOf<Binding>(scoped, 'RoleBinding', 'ramp-dashboard').roleRef.kind, 'Role');
    assert.deepEqual(objectOf<Deployment>(scoped, 'Deployment', 'ramp-dashboard').spec.template.spec.containers[0]!.command, [
      'node', 'bin/kubectl-ramp.mjs', `--namespace=${NS}`, 'dashboard', '--address=0.0.0.0', '--port=3100', '--read-only',
    ]);
  });

  it('dashboard.enabled=false (the default) renders no dashboard object', () => {
    const r = renderChart(RELEASE, NS, { 'dashboard.enabled': false });
    assert.deepEqual(r.objects.filter((o) => o.metadata.name.includes('dashboard')).map((o) => o.kind), []);
    assert.deepEqual(kinds(r), kinds(renderChart(RELEASE, NS)));
  });

  it('custom image, replicas, resources, instance id, workers, log level and extra args reach the Deployment and the controller', () => {
    const r = renderChart('prod', NS, {
      'image.repository': 'registry.example.com/ramp',
      'image.tag': '1.2.3',
      'controller.replicas': 3,
      'controller.instanceId': 'blue',
      'controller.workers': 4,
      'controller.logLevel': 'debug',
      'controller.resources.requests.cpu': '250m',
      'controller.resources.limits.memory': '1Gi',
      'controller.extraArgs': '{--resync-seconds=60,--shutdown-grace-seconds=5}',
    });
    const deployment = objectOf<Deployment>(r, 'Deployment', 'prod-controller');
    assert.equal(deployment.spec.replicas, 3);
    assert.equal(deployment.spec.template.spec.serviceAccountName, 'prod-controller');
    const container = deployment.spec.template.spec.containers[0]!;
    assert.equal(container.image, 'registry.example.com/ramp:1.2.3');
    assert.deepEqual(container.resources, { requests: { cpu: '250m', memory: '128Mi' }, limits: { memory: '1Gi' } });
    const parsed = parseConfig(container.args ?? [], { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', POD_NAMESPACE: NS }, { hostname: 'h', pid: 1 });
    assert.equal(parsed.kind, 'run', JSON.stringify(parsed));
    const config = (parsed as { kind: 'run'; config: Config }).config;
    assert.equal(config.instanceId, 'blue');
    assert.equal(config.workers, 4);
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.leaseName, 'prod-controller-lock');
    assert.equal(config.resyncSeconds, 60, 'controller.extraArgs are passed on');
    assert.equal(config.shutdownGraceSeconds, 5);
    objectOf(r, 'ClusterRole', 'prod-controller');
  });
});
