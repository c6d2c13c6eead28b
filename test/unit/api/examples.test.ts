import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { GATEWAY_API_PLUGIN, GatewayAPIConfigSchema, validateAnalysisTemplate, validateRollout } from '../../../controller/api/index.ts';
import { validateIngress } from '../../../controller/api/validation/references.ts';

function documents(file: string): Record<string, unknown>[] {
  const text = readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
  return parseAllDocuments(text).map((doc) => doc.toJS() as Record<string, unknown>);
}

function ofKind(file: string, kinds: string[]): Record<string, unknown>[] {
  return documents(file).filter((doc) => kinds.includes(String(doc.kind)));
}

describe('manifests shaped like Argo Rollouts examples', () => {
  const rolloutFiles = ['bluegreen.yaml', 'canary.yaml', 'canary-nginx.yaml', 'canary-istio-subset.yaml', 'canary-istio-mirror.yaml', 'canary-analysis.yaml'];
  for (const file of rolloutFiles) {
    it(`${file} parses and validates`, () => {
      const [rollout] = ofKind(file, ['Rollout']);
      const result = validateRollout(rollout);
      assert.deepEqual(result.ok ? [] : result.errors, []);
      assert.equal(result.ok && result.rollout.metadata.name, (rollout?.metadata as { name: string }).name);
    });
  }

  it('keeps the pod template as written', () => {
    const result = validateRollout(ofKind('canary-nginx.yaml', ['Rollout'])[0]);
    assert.ok(result.ok);
    const container = result.rollout.spec.template?.spec?.containers[0];
    assert.deepEqual(container?.resources, { requests: { memory: '32Mi', cpu: '5m' } });
    assert.equal(result.rollout.spec.strategy.canary?.trafficRouting?.nginx?.additionalIngressAnnotations?.['canary-by-header'], 'X-Canary');
  });

  it('reads pause durations as written: integer seconds and duration strings', () => {
    const result = validateRollout(ofKind('canary.yaml', ['Rollout'])[0]);
    assert.ok(result.ok);
    const durations = (result.rollout.spec.strategy.canary?.steps ?? []).flatMap((s) => (s.pause ? [s.pause.duration] : []));
    assert.deepEqual(durations, [undefined, 40, '20s', '1h30m']);
  });

  const templates = ofKind('analysis-templates.yaml', ['AnalysisTemplate', 'ClusterAnalysisTemplate']);
  for (const template of templates) {
    const name = (template.metadata as { name: string }).name;
    it(`${template.kind} ${name} parses and validates`, () => {
      const result = validateAnalysisTemplate(template);
      assert.deepEqual(result.ok ? [] : result.errors, []);
      assert.equal(result.ok && result.template.kind, template.kind);
    });
  }

  it('reports the obsolete `name` field of old background-analysis examples as unknown', () => {
    const [rollout] = ofKind('canary-analysis.yaml', ['Rollout']);
    const strategy = (rollout as { spec: { strategy: { canary: { analysis: Record<string, unknown> } } } }).spec.strategy.canary;
    strategy.analysis = { name: 'background-analysis', ...strategy.analysis };
    const result = validateRollout(rollout);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.errors[0]?.field, 'spec.strategy.canary.analysis.name');
    assert.match(!result.ok ? (result.errors[0]?.message ?? '') : '', /^Unsupported value: "name": supported values: "templates", /);
  });
});

/** The documents a kustomization lists, in order, as `kubectl apply -k` would send them. */
function kustomized(dir: string): Record<string, unknown>[] {
  const base = new URL(`../../../examples/${dir}/`, import.meta.url);
  const kustomization = parseAllDocuments(readFileSync(new URL('kustomization.yaml', base), 'utf8'))[0]?.toJS() as { resources: string[] };
  return kustomization.resources.flatMap((file) =>
    parseAllDocuments(readFileSync(new URL(file, base), 'utf8')).map((doc) => doc.toJS() as Record<string, unknown>),
  );
}

const named = (docs: Record<string, unknown>[], kind: string, name: string | undefined) =>
  docs.find((d) => d.kind === kind && (d.metadata as { name?: string }).name === name) as Record<string, any> | undefined;

describe('examples a new user applies', () => {
  for (const dir of ['bluegreen', 'canary-nginx', 'canary-istio', 'canary-gatewayapi', 'canary-ambassador', 'canary-apisix', 'canary-smi', 'canary-traefik', 'canary-appmesh', 'canary-alb']) {
    it(`examples/${dir}: the Rollout validates and every Service it names is in the kustomization`, () => {
      const docs = kustomized(dir);
      const result = validateRollout(docs.find((d) => d.kind === 'Rollout'));
      assert.deepEqual(result.ok ? [] : result.errors, []);
      assert.ok(result.ok);
      const { blueGreen, canary } = result.rollout.spec.strategy;
      for (const svc of [blueGreen?.activeService, blueGreen?.previewService, canary?.stableService, canary?.canaryService]) {
        if (svc) assert.ok(named(docs, 'Service', svc), `Service ${svc} is part of examples/${dir}`);
      }
    });
  }

  it('examples/canary-nginx: the stable Ingress routes to the stable Service', () => {
    const docs = kustomized('canary-nginx');
    const result = validateRollout(docs.find((d) => d.kind === 'Rollout'));
    assert.ok(result.ok);
    const canary = result.rollout.spec.strategy.canary!;
    const ingress = named(docs, 'Ingress', canary.trafficRouting?.nginx?.stableIngress);
    assert.ok(ingress, 'the stable Ingress is part of the example');
    assert.deepEqual(validateIngress(result.rollout, ingress), []);
    assert.deepEqual(canary.steps, [{ setWeight: 33 }, { pause: {} }, { setWeight: 66 }, { pause: { duration: '5s' } }, { setWeight: 100 }]);
  });

  it('examples/canary-alb: the Ingress rule goes to the root Service\'s use-annotation port', () => {
    const docs = kustomized('canary-alb');
    const result = validateRollout(docs.find((d) => d.kind === 'Rollout'));
    assert.ok(result.ok);
    const alb = result.rollout.spec.strategy.canary!.trafficRouting!.alb!;
    const ingress = named(docs, 'Ingress', alb.ingress);
    assert.ok(ingress, 'the Ingress is part of the example');
    assert.deepEqual(validateIngress(result.rollout, ingress), []);
    assert.deepEqual(ingress.spec.rules[0].http.paths[0].backend.service, { name: alb.rootService, port: { name: 'use-annotation' } });
  });

  it('examples/canary-istio: the VirtualService has the named route over both subsets of the DestinationRule', () => {
    const docs = kustomized('canary-istio');
    const result = validateRollout(docs.find((d) => d.kind === 'Rollout'));
    assert.ok(result.ok);
    const istio = result.rollout.spec.strategy.canary!.trafficRouting!.istio!;
    const vs = named(docs, 'VirtualService', istio.virtualService?.name);
    const dr = named(docs, 'DestinationRule', istio.destinationRule?.name);
    assert.ok(vs && dr, 'the VirtualService and DestinationRule are part of the example');
    const route = (vs.spec.http as Array<{ name: string; route: Array<{ destination: { host: string; subset: string }; weight: number }> }>).find(
      (r) => r.name === istio.virtualService?.routes?.[0],
    );
    assert.deepEqual(route?.route.map((d) => d.destination.subset).sort(), [istio.destinationRule!.canarySubsetName, istio.destinationRule!.stableSubsetName].sort());
    assert.equal(route?.route.reduce((sum, d) => sum + d.weight, 0), 100);
    assert.deepEqual((dr.spec.subsets as Array<{ name: string }>).map((s) => s.name).sort(), ['canary', 'stable']);
    assert.ok(named(docs, 'Service', dr.spec.host), 'the DestinationRule host is the example Service');
  });

  it('examples/canary-gatewayapi: the HTTPRoute the plugin configuration names splits between the two Services', () => {
    const docs = kustomized('canary-gatewayapi');
    const result = validateRollout(docs.find((d) => d.kind === 'Rollout'));
    assert.ok(result.ok);
    const canary = result.rollout.spec.strategy.canary!;
    const config = GatewayAPIConfigSchema.parse(canary.trafficRouting?.plugins?.[GATEWAY_API_PLUGIN]);
    const route = named(docs, 'HTTPRoute', config.httpRoute);
    assert.ok(route, 'the HTTPRoute is part of the example');
    assert.equal(route.apiVersion, 'gateway.networking.k8s.io/v1');
    const refs = (route.spec.rules as Array<{ backendRefs: Array<{ name: string; weight: number }> }>)[0]?.backendRefs ?? [];
    assert.deepEqual(refs.map((r) => r.name).sort(), [canary.canaryService, canary.stableService].sort());
    assert.equal(refs.reduce((sum, r) => sum + r.weight, 0), 100);
  });

  it('examples/canary-ambassador: the Mapping the Rollout names routes to the stable Service and sets no weight', () => {
    const docs = kustomized('canary-ambassador');
    const result = validateRollout(docs.find((d) => d.kind === 'Rollout'));
    assert.ok(result.ok);
    const canary = result.rollout.spec.strategy.canary!;
    for (const name of canary.trafficRouting?.ambassador?.mappings ?? []) {
      const mapping = named(docs, 'Mapping', name);
      assert.ok(mapping, `the Mapping ${name} is part of the example`);
      assert.equal(mapping.apiVersion, 'getambassador.io/v2', 'at the controller\'s default --ambassador-api-version');
      assert.match(mapping.spec.service, new RegExp(`^${canary.stableService}\\b`));
      assert.equal(mapping.spec.weight, undefined, 'Argo refuses a named Mapping with a weight');
    }
    const crds = kustomized('canary-ambassador/crds') as Array<Record<string, any>>;
    assert.deepEqual(crds.map((c) => c.metadata.name), ['mappings.getambassador.io']);
    const versions = crds[0]!.spec.versions as Array<{ name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }>;
    assert.deepEqual(versions.filter((v) => v.served).map((v) => v.name), ['v2', 'v3alpha1']);
    assert.equal(versions.filter((v) => v.storage).length, 1, 'exactly one storage version');
    for (const v of versions) assert.equal(v.schema.openAPIV3Schema['x-kubernetes-preserve-unknown-fields'], true);
  });

  it('examples/canary-apisix: the ApisixRoute rule the Rollout names splits between the two Services', () => {
    const docs = kustomized('canary-apisix');
    const result = validateRollout(docs.find((d) => d.kind === 'Rollout'));
    assert.ok(result.ok);
    const canary = result.rollout.spec.strategy.canary!;
    const config = canary.trafficRouting!.apisix!.route!;
    const route = named(docs, 'ApisixRoute', config.name);
    assert.ok(route, 'the ApisixRoute is part of the example');
    assert.equal(route.apiVersion, 'apisix.apache.org/v2');
    for (const name of config.rules ?? [config.name]) {
      type Rule = { name: string; backends: Array<{ serviceName: string; weight: number }> };
      const rule: Rule | undefined = (route.spec.http as Rule[]).find((r) => r.name === name);
      assert.deepEqual(rule?.backends.map((b) => b.serviceName).sort(), [canary.canaryService, canary.stableService].sort());
    }
    const crds = kustomized('canary-apisix/crds') as Array<Record<string, any>>;
    assert.deepEqual(crds.map((c) => c.metadata.name), ['apisixroutes.apisix.apache.org']);
    const versions = crds[0]!.spec.versions as Array<{ name: string; served: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }>;
    assert.deepEqual(versions.filter((v) => v.served).map((v) => v.name), ['v2']);
    assert.equal(versions[0]!.schema.openAPIV3Schema['x-kubernetes-preserve-unknown-fields'], true);
  });

  it('examples/canary-gatewayapi/crds: schema-less HTTPRoute, GRPCRoute (v1) and TCPRoute (v1alpha2) CRDs', () => {
    const crds = kustomized('canary-gatewayapi/crds') as Array<Record<string, any>>;
    assert.deepEqual(crds.map((c) => c.metadata.name), ['httproutes.gateway.networking.k8s.io', 'grpcroutes.gateway.networking.k8s.io', 'tcproutes.gateway.networking.k8s.io']);
    const served = crds.map((crd) => (crd.spec.versions as Array<{ name: string; served: boolean }>).filter((v) => v.served).map((v) => v.name));
    assert.ok(served[0]?.includes('v1') && served[1]?.includes('v1') && served[2]?.includes('v1alpha2'));
    for (const crd of crds) {
      const versions = crd.spec.versions as Array<{ storage: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }>;
      assert.equal(versions.filter((v) => v.storage).length, 1, 'exactly one storage version');
      for (const v of versions) assert.equal(v.schema.openAPIV3Schema['x-kubernetes-preserve-unknown-fields'], true);
    }
  });

  it('examples/canary-smi: the root Service the TrafficSplit splits is part of the example', () => {
    const docs = kustomized('canary-smi');
    const result = validateRollout(docs.find((d) => d.kind === 'Rollout'));
    assert.ok(result.ok);
    const smi = result.rollout.spec.strategy.canary!.trafficRouting!.smi!;
    assert.ok(named(docs, 'Service', smi.rootService), 'the root Service is part of the example');
    assert.equal(docs.some((d) => d.kind === 'TrafficSplit'), false, 'the controller creates the TrafficSplit, not the user');
  });

  it('examples/canary-smi/crds: a schema-less TrafficSplit CRD serving v1alpha1 to v1alpha3', () => {
    const [crd, ...rest] = kustomized('canary-smi/crds') as Array<Record<string, any>>;
    assert.equal(rest.length, 0);
    assert.equal(crd?.metadata.name, 'trafficsplits.split.smi-spec.io');
    const versions = crd?.spec.versions as Array<{ name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }>;
    assert.deepEqual(versions.filter((v) => v.served).map((v) => v.name), ['v1alpha1', 'v1alpha2', 'v1alpha3']);
    assert.equal(versions.filter((v) => v.storage).length, 1, 'exactly one storage version');
    for (const v of versions) assert.equal(v.schema.openAPIV3Schema['x-kubernetes-preserve-unknown-fields'], true);
  });

  it('examples/canary-traefik: the weighted TraefikService has entries for both Services', () => {
    const docs = kustomized('canary-traefik');
    const result = validateRollout(docs.find((d) => d.kind === 'Rollout'));
    assert.ok(result.ok);
    const canary = result.rollout.spec.strategy.canary!;
    const traefik = named(docs, 'TraefikService', canary.trafficRouting?.traefik?.weightedTraefikServiceName);
    assert.ok(traefik, 'the TraefikService is part of the example');
    assert.equal(traefik.apiVersion, 'traefik.io/v1alpha1', "Argo's default --traefik-api-version");
    const entries = traefik.spec.weighted.services as Array<{ name: string; weight: number }>;
    assert.deepEqual(entries.map((e) => e.name).sort(), [canary.canaryService, canary.stableService].sort());
    assert.equal(entries.reduce((sum, e) => sum + e.weight, 0), 100);
  });

  it('examples/canary-traefik/crds: schema-less TraefikService CRDs in traefik.io and traefik.containo.us', () => {
    const crds = kustomized('canary-traefik/crds') as Array<Record<string, any>>;
    assert.deepEqual(crds.map((c) => c.metadata.name), ['traefikservices.traefik.io', 'traefikservices.traefik.containo.us']);
    for (const crd of crds) {
      const versions = crd.spec.versions as Array<{ name: string; storage: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }>;
      assert.deepEqual(versions.map((v) => v.name), ['v1alpha1']);
      assert.equal(versions[0]?.schema.openAPIV3Schema['x-kubernetes-preserve-unknown-fields'], true);
    }
  });

  it('examples/canary-appmesh: the VirtualService is provided by a VirtualRouter whose named route targets both VirtualNodes', () => {
    const docs = kustomized('canary-appmesh');
    const result = validateRollout(docs.find((d) => d.kind === 'Rollout'));
    assert.ok(result.ok);
    const appMesh = result.rollout.spec.strategy.canary!.trafficRouting!.appMesh!;
    const vs = named(docs, 'VirtualService', appMesh.virtualService?.name);
    assert.ok(vs, 'the VirtualService is part of the example');
    const vr = named(docs, 'VirtualRouter', vs.spec.provider.virtualRouter.virtualRouterRef.name);
    assert.ok(vr, 'the VirtualRouter it names is part of the example');
    const route = (vr.spec.routes as Array<{ name: string; httpRoute: { action: { weightedTargets: Array<{ virtualNodeRef: { name: string }; weight: number }> } } }>).find(
      (r) => r.name === appMesh.virtualService?.routes?.[0],
    );
    const targets = route?.httpRoute.action.weightedTargets ?? [];
    const nodes = [appMesh.virtualNodeGroup!.canaryVirtualNodeRef.name, appMesh.virtualNodeGroup!.stableVirtualNodeRef.name];
    assert.deepEqual(targets.map((t) => t.virtualNodeRef.name).sort(), [...nodes].sort());
    for (const node of nodes) assert.ok(named(docs, 'VirtualNode', node), `VirtualNode ${node} is part of the example`);
    assert.ok(docs.filter((d) => d.kind !== 'Service' && d.kind !== 'Rollout').every((d) => d.apiVersion === 'appmesh.k8s.aws/v1beta2'));
  });

  it('examples/canary-appmesh/crds: schema-less VirtualService, VirtualRouter and VirtualNode CRDs serving Argo\'s default v1beta2', () => {
    const crds = kustomized('canary-appmesh/crds') as Array<Record<string, any>>;
    assert.deepEqual(crds.map((c) => c.metadata.name), ['virtualservices.appmesh.k8s.aws', 'virtualrouters.appmesh.k8s.aws', 'virtualnodes.appmesh.k8s.aws']);
    for (const crd of crds) {
      const versions = crd.spec.versions as Array<{ name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }>;
      assert.ok(versions.some((v) => v.name === 'v1beta2' && v.served && v.storage));
      for (const v of versions) assert.equal(v.schema.openAPIV3Schema['x-kubernetes-preserve-unknown-fields'], true);
    }
  });

  it('examples/canary-istio/crds: schema-less VirtualService and DestinationRule CRDs serving Argo\'s default v1alpha3', () => {
    const crds = kustomized('canary-istio/crds');
    assert.deepEqual(crds.map((c) => (c.metadata as { name: string }).name), ['virtualservices.networking.istio.io', 'destinationrules.networking.istio.io']);
    for (const crd of crds as Array<Record<string, any>>) {
      const versions = crd.spec.versions as Array<{ name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }>;
      assert.ok(versions.some((v) => v.name === 'v1alpha3' && v.served));
      assert.equal(versions.filter((v) => v.storage).length, 1, 'exactly one storage version');
      for (const v of versions) assert.equal(v.schema.openAPIV3Schema['x-kubernetes-preserve-unknown-fields'], true);
    }
  });
});
