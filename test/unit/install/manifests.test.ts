import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { SECRETS } from '../../../controller/analysis/run-controller/index.ts';
import { parseConfig } from '../../../controller/runtime/config.ts';
import { NOTIFICATION_CONFIGMAP, NOTIFICATION_SECRET } from '../../../controller/notifications/index.ts';
import * as resources from '../../../controller/kube/resources.ts';
import { qualifiedName, type ResourceType } from '../../../controller/kube/resources.ts';
import { allows, controllerRules as chartControllerRules, dashboardRules, namespacedRules, type Rule } from '../../support/install-rules.ts';

/**
 * The install manifests, the Helm chart and the Dockerfile, checked without a cluster, a Helm
 * binary or a Docker daemon: the same permission rules everywhere, every kind the controller
 * reads or writes covered, arguments the controller accepts, and a non-root image.
 * test/integration/helm-chart.test.ts renders the chart with helm; test/e2e/install.test.ts and
 * test/e2e/helm-install.test.ts prove on the control plane that the rules are enough.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const yaml = <T>(path: string): T => parse(read(path)) as T;

interface RoleDoc {
  kind: string;
  rules: Rule[];
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
}
interface DeploymentDoc {
  spec: { replicas: number; template: { spec: { serviceAccountName: string; securityContext: { runAsNonRoot: boolean; runAsUser: number }; containers: Container[] } } };
}

const controllerRules = chartControllerRules();
const clusterRole = yaml<RoleDoc>('install/cluster-rbac/clusterrole.yaml');
const namespacedRole = yaml<RoleDoc>('install/namespaced/role.yaml');
const packageVersion = (JSON.parse(read('package.json')) as { version: string }).version;

/**
 * What the controller does with each kind (controller/kube/resources.ts and the analysis ports),
 * read from its client calls: the informers list and watch, the writers create, patch and delete.
 */
const USES: Array<{ type: Pick<ResourceType, 'group' | 'plural'>; verbs: string[]; why: string }> = [
  { type: resources.ROLLOUTS, verbs: ['get', 'list', 'watch', 'patch'], why: 'informer, revision annotation' },
  { type: { group: 'argoproj.io', plural: 'rollouts/status' }, verbs: ['patch'], why: 'status merge patch' },
  { type: resources.ANALYSIS_RUNS, verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'], why: 'analysis writer, AnalysisRun controller' },
  { type: resources.EXPERIMENTS, verbs: ['get', 'list', 'watch', 'patch'], why: 'Experiment controller' },
  { type: resources.ANALYSIS_TEMPLATES, verbs: ['get', 'list', 'watch'], why: 'informer' },
  { type: resources.CLUSTER_ANALYSIS_TEMPLATES, verbs: ['get', 'list', 'watch'], why: 'informer (not with --namespaced)' },
  { type: resources.REPLICA_SETS, verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'], why: 'ReplicaSet writer' },
  { type: resources.DEPLOYMENTS, verbs: ['get', 'list', 'watch', 'patch'], why: 'workloadRef informer, workloadRef.scaleDown' },
  { type: resources.SERVICES, verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'], why: "selector patches, Experiments' template Services" },
  { type: resources.PODS, verbs: ['list', 'patch'], why: 'restartAt, ephemeral metadata on running pods' },
  { type: { group: '', plural: 'pods/eviction' }, verbs: ['create'], why: 'restartAt evicts' },
  { type: resources.EVENTS, verbs: ['create'], why: 'events on Rollouts and AnalysisRuns' },
  { type: SECRETS, verbs: ['get'], why: 'analysis args from secrets' },
  { type: resources.JOBS, verbs: ['get', 'list', 'watch', 'create', 'delete'], why: 'job metrics' },
  { type: resources.INGRESSES, verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'], why: 'NGINX canary Ingress, the Ingress informer' },
  { type: resources.ISTIO_VIRTUAL_SERVICES, verbs: ['get', 'patch'], why: 'Istio weights' },
  { type: resources.ISTIO_DESTINATION_RULES, verbs: ['get', 'patch'], why: 'Istio subsets' },
  ...resources.GATEWAY_ROUTES.map((type) => ({ type, verbs: ['get', 'patch'], why: 'Gateway API weights and header rules' })),
  ...[resources.AMBASSADOR_MAPPINGS, resources.AMBASSADOR_X_MAPPINGS].map((type) => ({ type, verbs: ['get', 'create', 'patch', 'delete'], why: 'Ambassador canary Mappings' })),
  { type: resources.APISIX_ROUTES, verbs: ['get', 'create', 'patch', 'delete'], why: 'APISIX weights, header-route ApisixRoutes' },
  { type: resources.SMI_TRAFFIC_SPLITS, verbs: ['get', 'create', 'patch'], why: 'SMI TrafficSplit' },
  { type: resources.TRAEFIK_SERVICES, verbs: ['get', 'patch'], why: 'Traefik weights' },
  { type: resources.TRAEFIK_CONTAINO_SERVICES, verbs: ['get', 'patch'], why: 'Traefik weights (traefik.containo.us)' },
  { type: resources.APPMESH_VIRTUAL_SERVICES, verbs: ['get'], why: 'App Mesh: the VirtualRouter a VirtualService names' },
  { type: resources.APPMESH_VIRTUAL_ROUTERS, verbs: ['get', 'patch'], why: 'App Mesh weights' },
  { type: resources.APPMESH_VIRTUAL_NODES, verbs: ['get', 'patch'], why: 'App Mesh pod selectors' },
];

/** Kinds resources.ts names that the controller's own rules leave out, and why. */
const NOT_IN_CONTROLLER_RULES: Record<string, string> = {
  leases: 'leader election has a Role in the controller namespace',
  configmaps: 'notifications have a Role in the controller namespace, for their ConfigMap by name',
  podtemplates: "only kubectl ramp undo writes them, with the user's own credentials",
  namespaces: "only kubectl ramp's shell completion lists them, with the user's own credentials",
};

describe('controller permissions', () => {
  it('the ClusterRole carries exactly the chart rules', () => {
    assert.equal(clusterRole.kind, 'ClusterRole');
    assert.deepEqual(clusterRole.rules, controllerRules);
  });

  it('the namespaced Role carries the same rules without cluster-scoped kinds', () => {
    assert.equal(namespacedRole.kind, 'Role');
    assert.deepEqual(namespacedRole.rules, namespacedRules(controllerRules));
  });

  for (const use of USES) {
    it(`${qualifiedName(use.type)}: ${use.verbs.join(', ')} (${use.why})`, () => {
      for (const verb of use.verbs) assert.ok(allows(controllerRules, use.type.group, use.type.plural, verb), `the rules do not allow ${verb} on ${use.type.plural}`);
    });
  }

  it('every kind the controller names is in the rules, or listed with the reason it is not', () => {
    const named = Object.values(resources).filter((v): v is ResourceType => typeof v === 'object' && v !== null && 'plural' in v);
    for (const type of named) {
      if (NOT_IN_CONTROLLER_RULES[type.plural]) continue;
      const covered = controllerRules.some((r) => r.apiGroups.includes(type.group) && r.resources.includes(type.plural));
      assert.ok(covered, `${qualifiedName(type)} is missing from the rules`);
    }
  });

  it('grants nothing the controller does not use: no wildcards, no secrets listing, no update', () => {
    for (const rule of controllerRules) {
      assert.ok(!rule.verbs.includes('*') && !rule.resources.includes('*') && !rule.apiGroups.includes('*'), JSON.stringify(rule));
      assert.ok(!rule.verbs.includes('update'), `${rule.resources.join(',')}: the controller only patches`);
    }
    assert.ok(!allows(controllerRules, '', 'secrets', 'list'));
    assert.ok(!allows(controllerRules, '', 'secrets', 'watch'));
  });

  it('the Lease Role allows what leader election does: get, create, update', () => {
    const role = yaml<RoleDoc>('install/base/leader-election-role.yaml');
    assert.equal(role.kind, 'Role');
    assert.deepEqual(role.rules, [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }]);
  });
});

describe('notifications permissions', () => {
  it('a Role reads the notification ConfigMap and Secret by name, nothing else', () => {
    const role = yaml<RoleDoc>('install/base/notifications-role.yaml');
    assert.equal(role.kind, 'Role');
    assert.deepEqual(role.rules, [
      { apiGroups: [''], resources: ['configmaps'], resourceNames: [NOTIFICATION_CONFIGMAP], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: [NOTIFICATION_SECRET], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = yaml<{ roleRef: { name: string } }>('install/base/notifications-rolebinding.yaml');
    assert.equal(binding.roleRef.name, 'ramp-controller-notifications');
  });

  it('install/notifications-self-service: the same rules in every namespace, and the flag through the environment', () => {
    const role = yaml<RoleDoc>('install/base/notifications-role.yaml');
    const clusterRole = yaml<RoleDoc>('install/notifications-self-service/clusterrole.yaml');
    assert.equal(clusterRole.kind, 'ClusterRole');
    assert.deepEqual(clusterRole.rules, role.rules);
    assert.equal(yaml<{ roleRef: { kind: string; name: string } }>('install/notifications-self-service/clusterrolebinding.yaml').roleRef.name, 'ramp-controller-notifications');
    const env = yaml<DeploymentDoc>('install/notifications-self-service/deployment-patch.yaml').spec.template.spec.containers[0]!.env ?? [];
    const vars = Object.fromEntries(env.map((e) => [e.name, (e as { value?: string }).value ?? '']));
    const parsed = parseConfig([], { HOME: '/home/ramp', ...vars }, { hostname: 'h', pid: 1 });
    assert.equal(parsed.kind === 'run' && parsed.config.selfServiceNotificationEnabled, true);
  });
});

describe('dashboard permissions', () => {
  const rules = dashboardRules();

  it('the kustomize ClusterRole carries exactly the chart rules', () => {
    assert.deepEqual(yaml<RoleDoc>('install/dashboard/clusterrole.yaml').rules, rules);
  });

  it('reads what its informers watch and patches Rollouts for the actions, nothing else', () => {
    for (const [group, resource] of [['argoproj.io', 'rollouts'], ['apps', 'replicasets'], ['', 'pods'], ['argoproj.io', 'analysisruns'], ['', 'events']] as const) {
      for (const verb of ['list', 'watch']) assert.ok(allows(rules, group, resource, verb), `${verb} ${resource}`);
    }
    assert.ok(allows(rules, 'argoproj.io', 'rollouts', 'patch'));
    assert.ok(allows(rules, 'argoproj.io', 'rollouts/status', 'patch'));
    assert.ok(!allows(rules, '', 'secrets', 'get'));
    assert.ok(!rules.some((r) => r.verbs.includes('create') || r.verbs.includes('delete')));
  });
});

interface Kustomization {
  namespace?: string;
  resources?: string[];
  patches?: Array<{ path: string }>;
}

/** Every resource, base and patch a kustomization names exists, recursively. */
function kustomizeFiles(dir: string): string[] {
  const k = yaml<Kustomization>(join(dir, 'kustomization.yaml'));
  const out: string[] = [];
  for (const entry of [...(k.resources ?? []), ...(k.patches ?? []).map((p) => p.path)]) {
    const path = join(dir, entry);
    assert.ok(existsSync(join(root, path)), `${dir}/kustomization.yaml names ${entry}, which does not exist`);
    if (existsSync(join(root, path, 'kustomization.yaml'))) out.push(...kustomizeFiles(path));
    else out.push(path);
  }
  return out;
}

function deploymentArgs(path: string, container = 0): Container {
  return yaml<DeploymentDoc>(path).spec.template.spec.containers[container]!;
}

describe('kustomize install', () => {
  it('install/ is the CRDs, the ramp namespace, the controller and its ClusterRole', () => {
    const files = kustomizeFiles('install');
    assert.equal(yaml<Kustomization>('install/kustomization.yaml').namespace, 'ramp');
    for (const crd of readdirSync(join(root, 'crds')).filter((f) => f.endsWith('-crd.yaml'))) assert.ok(files.includes(join('crds', crd)), crd);
    for (const f of ['install/base/deployment.yaml', 'install/cluster-rbac/clusterrole.yaml', 'install/cluster-rbac/clusterrolebinding.yaml', 'install/base/metrics-service.yaml']) {
      assert.ok(files.includes(f), f);
    }
  });

  it('install/namespaced has a Role and no cluster-scoped object', () => {
    const files = kustomizeFiles('install/namespaced');
    assert.ok(files.includes('install/namespaced/role.yaml'));
    const kinds = files.flatMap((f) => parseAllDocuments(read(f)).map((d) => (d.toJSON() as { kind: string }).kind));
    for (const kind of ['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'Namespace']) assert.ok(!kinds.includes(kind), kind);
  });

  it('install/dashboard names its files', () => {
    assert.ok(kustomizeFiles('install/dashboard').includes('install/dashboard/deployment.yaml'));
  });

  it('the controller Deployment: two replicas, leader election, the package version, non-root', () => {
    const deployment = yaml<DeploymentDoc>('install/base/deployment.yaml');
    assert.equal(deployment.spec.replicas, 2);
    const pod = deployment.spec.template.spec;
    assert.equal(pod.serviceAccountName, 'ramp-controller');
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.notEqual(pod.securityContext.runAsUser, 0);
    const container = pod.containers[0]!;
    assert.equal(container.image, `ramp:${packageVersion}`);
    assert.deepEqual(container.args, ['--leader-elect']);
    assert.ok(container.env?.some((e) => e.name === 'POD_NAMESPACE'), 'the Lease namespace comes from the pod');
  });

  it('the controller accepts the arguments and environment each variant gives it', () => {
    const inPod = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', POD_NAMESPACE: 'ramp' };
    const host = { hostname: 'ramp-controller-0', pid: 1 };
    const cluster = parseConfig(deploymentArgs('install/base/deployment.yaml').args ?? [], inPod, host);
    assert.equal(cluster.kind, 'run', JSON.stringify(cluster));
    if (cluster.kind === 'run') {
      assert.equal(cluster.config.leaderElect, true);
      assert.equal(cluster.config.namespace, undefined);
      assert.equal(cluster.config.leaseNamespace, 'ramp');
    }
    const patch = yaml<DeploymentDoc>('install/namespaced/deployment-patch.yaml').spec.template.spec.containers[0]!;
    assert.ok(patch.env?.some((e) => e.name === 'RAMP_NAMESPACE' && e.valueFrom !== undefined));
    const namespaced = parseConfig(patch.args ?? [], { ...inPod, POD_NAMESPACE: 'shop', RAMP_NAMESPACE: 'shop' }, host);
    assert.equal(namespaced.kind, 'run', JSON.stringify(namespaced));
    if (namespaced.kind === 'run') {
      assert.equal(namespaced.config.namespace, 'shop');
      assert.equal(namespaced.config.namespaced, true);
      assert.equal(namespaced.config.leaderElect, true);
    }
  });

  it('the dashboard Deployment runs kubectl ramp dashboard on all interfaces, token from a Secret', () => {
    const container = deploymentArgs('install/dashboard/deployment.yaml');
    assert.deepEqual(container.command?.slice(0, 3), ['node', 'bin/kubectl-ramp.mjs', 'dashboard']);
    assert.ok(container.command?.includes('0.0.0.0'));
    assert.ok(container.env?.some((e) => e.name === 'RAMP_DASHBOARD_TOKEN'));
    assert.equal(container.image, `ramp:${packageVersion}`);
  });
});

describe('Helm chart', () => {
  const chartDir = 'install/helm/ramp';
  const chart = yaml<{ apiVersion: string; name: string; version: string; appVersion: string }>(`${chartDir}/Chart.yaml`);
  const values = yaml<Record<string, unknown>>(`${chartDir}/values.yaml`);
  const templates = readdirSync(join(root, chartDir, 'templates')).map((f) => [f, read(`${chartDir}/templates/${f}`)] as const);

  it('Chart.yaml: a v2 application chart at the package version', () => {
    assert.equal(chart.apiVersion, 'v2');
    assert.equal(chart.name, 'ramp');
    assert.equal(chart.appVersion, packageVersion);
  });

  it('values.yaml defaults: two replicas, cluster-wide, no dashboard, no instance id', () => {
    const v = values as {
      image: { repository: string; tag: string };
      controller: { replicas: number; instanceId: string; resources: { requests: object } };
      namespaced: boolean;
      dashboard: { enabled: boolean };
    };
    assert.equal(v.image.repository, 'ramp');
    assert.equal(v.controller.replicas, 2);
    assert.equal(v.controller.instanceId, '');
    assert.equal(v.namespaced, false);
    assert.equal(v.dashboard.enabled, false);
    assert.ok(v.controller.resources.requests);
  });

  it('every .Values path the templates use is in values.yaml', () => {
    for (const [file, text] of templates) {
      for (const [, path] of text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) {
        let node: unknown = values;
        for (const key of path!.split('.')) {
          assert.ok(node !== null && typeof node === 'object' && key in node, `${file} uses .Values.${path}, which values.yaml does not define`);
          node = (node as Record<string, unknown>)[key];
        }
      }
    }
  });

  it('the templates take their rules from the chart files the manifests are compared with', () => {
    const used = templates.flatMap(([, text]) => [...text.matchAll(/\.Files\.Get "([^"]+)"/g)].map((m) => m[1]!));
    assert.deepEqual([...new Set(used)].sort(), ['files/controller-rules.yaml', 'files/dashboard-rules.yaml']);
    for (const file of used) assert.ok(existsSync(join(root, chartDir, file)), file);
  });

  it('the templates balance their actions: every if, with and range has its end', () => {
    for (const [file, text] of templates) {
      if (file.endsWith('.txt')) continue;
      const opens = [...text.matchAll(/\{\{-?\s*(if|with|range|define)\b/g)].length;
      const ends = [...text.matchAll(/\{\{-?\s*end\b/g)].length;
      assert.equal(opens, ends, `${file}: ${opens} blocks opened, ${ends} ended`);
    }
  });

  it('the chart passes the controller only flags it accepts', () => {
    const text = templates.find(([f]) => f === 'controller.yaml')![1];
    const flags = new Set([...text.matchAll(/^\s*- (--[a-z-]+)/gm)].map((m) => m[1]!));
    const help = parseConfig(['--help'], {}, { hostname: 'h', pid: 1 });
    assert.equal(help.kind, 'help');
    for (const flag of flags) assert.ok(help.kind === 'help' && help.text.includes(`${flag} `), `${flag} is not a controller flag`);
    assert.ok(flags.has('--leader-elect') && flags.has('--namespaced'));
  });
});

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const lastStage = lines.slice(lines.findLastIndex((l) => l.startsWith('FROM ')));

  it('is multi-stage on Node 20, with production dependencies only in the final image', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    assert.ok(froms.length >= 3, 'deps, build and final stages');
    for (const from of froms) assert.match(from, /^FROM node:20[-\w.]*/);
    assert.ok(lines.some((l) => l.includes('npm ci --omit=dev')));
    assert.ok(lastStage.some((l) => l.startsWith('COPY --from=deps /app/node_modules')));
    assert.ok(lastStage.some((l) => l.startsWith('COPY --from=build') && l.includes('dashboard/web/dist')), 'the web build comes from the build stage');
    assert.ok(lastStage.some((l) => l.startsWith('COPY --from=build /app/dist ')), 'the compiled runtime comes from the build stage');
    for (const source of ['controller', 'client', 'dashboard ']) {
      assert.ok(!lastStage.some((l) => l.startsWith(`COPY ${source}`)), `the final image holds no TypeScript sources (${source.trim()})`);
    }
  });

  it('runs as a non-root user, the uid the manifests name, with the controller as entrypoint', () => {
    const user = lastStage.filter((l) => l.startsWith('USER ')).at(-1);
    assert.ok(user, 'the final stage sets USER');
    const uid = user.slice('USER '.length).split(':')[0];
    assert.ok(uid !== 'root' && uid !== '0', user);
    const manifestUid = yaml<DeploymentDoc>('install/base/deployment.yaml').spec.template.spec.securityContext.runAsUser;
    assert.equal(uid, String(manifestUid));
    assert.deepEqual(JSON.parse(lastStage.find((l) => l.startsWith('ENTRYPOINT '))!.slice('ENTRYPOINT '.length)), ['node', 'dist/controller.js']);
  });

  it('builds the runtime with scripts/build.mjs, whose tools are dev dependencies the final image lacks', () => {
    const buildStage = lines.slice(lines.findIndex((l) => l.startsWith('FROM ') && l.endsWith(' AS build')), lines.findLastIndex((l) => l.startsWith('FROM ')));
    assert.ok(buildStage.some((l) => l.startsWith('RUN ') && l.includes('node scripts/build.mjs')));
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const tool of ['esbuild', 'tsx']) {
      assert.ok(pkg.devDependencies[tool] && !pkg.dependencies[tool], `${tool} is a dev dependency only`);
    }
  });
});
