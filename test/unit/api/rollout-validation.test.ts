import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { invalidSpecMessage, LIMITS, validateRollout, type FieldError } from '../../../controller/api/index.ts';
import { guestbookRollout, type Json } from './support/guestbook.ts';
import { withStrategy } from '../../../controller/api/defaults.ts';

const rollout = guestbookRollout;

function withoutStrategy(manifest: Json): Json {
  const copy = structuredClone(manifest) as { spec: Record<string, unknown> };
  delete copy.spec.strategy;
  return copy as Json;
}

const routed = (canary: Json): Json => ({
  canary: {
    canaryService: 'guestbook-canary',
    stableService: 'guestbook-stable',
    trafficRouting: { nginx: { stableIngress: 'guestbook' } },
    ...canary,
  },
});

const istio = (canary: Json): Json => ({
  canary: {
    canaryService: 'guestbook-canary',
    stableService: 'guestbook-stable',
    trafficRouting: { istio: { virtualService: { name: 'guestbook-vs' } }, managedRoutes: [{ name: 'header' }] },
    ...canary,
  },
});

interface Case {
  name: string;
  input: Json;
  field: string;
  message: string;
}

const cases: Case[] = [
  {
    name: 'blue-green active and preview services are the same',
    input: rollout({ blueGreen: { activeService: 'svc', previewService: 'svc' } }),
    field: 'spec.strategy.blueGreen.activeService',
    message:
      'Invalid value: "svc": This rollout uses the same service for the active and preview services, but two different services are required.',
  },
  {
    name: 'blue-green without an active service',
    input: rollout({ blueGreen: { activeService: '' } }),
    field: 'spec.strategy.blueGreen.activeService',
    message: "Required value: Rollout has missing field '.spec.strategy.blueGreen.activeService'",
  },
  {
    name: 'template and workloadRef both set',
    input: rollout({ canary: {} }, { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'guestbook' } }),
    field: 'spec.template',
    message: 'Internal error: template must be empty for workload reference rollout',
  },
  {
    name: 'neither template nor workloadRef',
    input: rollout({ canary: {} }, { template: undefined }),
    field: 'spec.template',
    message: "Required value: Rollout has missing field '.spec.template or .spec.workloadRef'",
  },
  {
    name: 'selector does not match the template labels',
    input: rollout({ canary: {} }, { selector: { matchLabels: { app: 'other' } } }),
    field: 'spec.template.metadata.labels',
    message: 'Invalid value: map[string]string{"app":"guestbook"}: `selector` does not match template `labels`',
  },
  {
    name: 'missing selector',
    input: rollout({ canary: {} }, { selector: undefined }),
    field: 'spec.selector',
    message: "Required value: Rollout has missing field '.spec.selector'",
  },
  {
    name: 'empty selector',
    input: rollout({ canary: {} }, { selector: {} }),
    field: 'spec.selector',
    message: 'Invalid value: {}: empty selector is invalid for deployment',
  },
  {
    name: 'bad selector operator',
    input: rollout({ canary: {} }, { selector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['guestbook'] }] } }),
    field: 'spec.selector.matchExpressions[0].operator',
    message: 'Invalid value: "Like": not a valid selector operator',
  },
  {
    name: 'pod template without containers',
    input: rollout({ canary: {} }, { template: { metadata: { labels: { app: 'guestbook' } }, spec: {} } }),
    field: 'spec.template.spec.containers',
    message: 'Required value',
  },
  {
    name: 'no strategy',
    input: rollout({}),
    field: 'spec.strategy',
    message: "Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'",
  },
  {
    name: 'spec.strategy left out, as Argo\'s CRD stores it: the same message as an empty one',
    input: withoutStrategy(rollout({})),
    field: 'spec.strategy',
    message: "Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'",
  },
  {
    name: 'both strategies',
    input: rollout({ canary: {}, blueGreen: { activeService: 'a' } }),
    field: 'spec.strategy',
    message: 'Invalid value: "blueGreen: true canary: true": Multiple Strategies can not be listed',
  },
  {
    name: 'setWeight above 100',
    input: rollout({ canary: { steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 150 }] } }),
    field: 'spec.strategy.canary.steps[2].setWeight',
    message: 'Invalid value: 150: SetWeight needs to be between 0 and 100',
  },
  {
    name: 'negative setWeight',
    input: rollout({ canary: { steps: [{ setWeight: -1 }] } }),
    field: 'spec.strategy.canary.steps[0].setWeight',
    message: 'Invalid value: -1: SetWeight needs to be between 0 and 100',
  },
  {
    name: 'setWeight above maxTrafficWeight',
    input: rollout(routed({ trafficRouting: { nginx: { stableIngress: 'g' }, maxTrafficWeight: 1000 }, steps: [{ setWeight: 1001 }] })),
    field: 'spec.strategy.canary.steps[0].setWeight',
    message: 'Invalid value: 1001: SetWeight needs to be between 0 and 1000',
  },
  {
    name: 'step with no kind',
    input: rollout({ canary: { steps: [{}] } }),
    field: 'spec.strategy.canary.steps[0]',
    message: 'Invalid value: {}: Step must have one of the following set: experiment, setWeight, setCanaryScale or pause',
  },
  {
    name: 'step with two kinds',
    input: rollout({ canary: { steps: [{ setWeight: 20, pause: {} }] } }),
    field: 'spec.strategy.canary.steps[0]',
    message:
      'Invalid value: "setWeight, pause": Step must have one of the following set: experiment, setWeight, setCanaryScale or pause; a step sets exactly one of: setWeight, pause, experiment, analysis, setCanaryScale, setHeaderRoute, setMirrorRoute, plugin',
  },
  {
    name: 'unknown step kind',
    input: rollout({ canary: { steps: [{ setWieght: 20 }] } }),
    field: 'spec.strategy.canary.steps[0].setWieght',
    message:
      'Unsupported value: "setWieght": unknown step kind; supported values: "setWeight", "pause", "experiment", "analysis", "setCanaryScale", "setHeaderRoute", "setMirrorRoute", "plugin"',
  },
  {
    name: 'unknown field in a strategy',
    input: rollout({ blueGreen: { activeService: 'a', autoPromote: true } }),
    field: 'spec.strategy.blueGreen.autoPromote',
    message: 'Unsupported value: "autoPromote": supported values: "activeService", "previewService", "previewReplicaCount", "autoPromotionEnabled", "autoPromotionSeconds", "maxUnavailable", "scaleDownDelaySeconds", "scaleDownDelayRevisionLimit", "abortScaleDownDelaySeconds", "prePromotionAnalysis", "postPromotionAnalysis", "antiAffinity", "previewMetadata", "activeMetadata"',
  },
  {
    name: 'unknown field inside a step',
    input: rollout({ canary: { steps: [{ pause: { duration: 10, until: 'done' } }] } }),
    field: 'spec.strategy.canary.steps[0].pause.until',
    message: 'Unsupported value: "until": supported values: "duration"',
  },
  {
    name: 'setWeight of the wrong type',
    input: rollout({ canary: { steps: [{ setWeight: '20' }] } }),
    field: 'spec.strategy.canary.steps[0].setWeight',
    message: 'Invalid value: "20": must be an integer',
  },
  {
    name: 'fractional replicas',
    input: rollout({ canary: {} }, { replicas: 1.5 }),
    field: 'spec.replicas',
    message: 'Invalid value: 1.5: must be an integer',
  },
  {
    name: 'canary and stable services are the same',
    input: rollout({ canary: { canaryService: 'svc', stableService: 'svc' } }),
    field: 'spec.strategy.canary.stableService',
    message: 'Invalid value: "svc": This rollout uses the same service for the stable and canary services, but two different services are required.',
  },
  {
    name: 'traffic routing without a stable service',
    input: rollout({ canary: { canaryService: 'c', trafficRouting: { nginx: { stableIngress: 'i' } } } }),
    field: 'spec.strategy.canary.stableService',
    message: 'Invalid value: "": Canary service and Stable service must to be set to use Traffic Routing',
  },
  {
    name: 'traffic routing without a canary service',
    input: rollout({ canary: { stableService: 's', trafficRouting: { nginx: { stableIngress: 'i' } } } }),
    field: 'spec.strategy.canary.canaryService',
    message: 'Invalid value: "": Canary service and Stable service must to be set to use Traffic Routing',
  },
  {
    name: 'nginx without a stable ingress',
    input: rollout(routed({ trafficRouting: { nginx: {} } })),
    field: 'spec.strategy.canary.trafficRouting.nginx',
    message: 'Internal error: Either StableIngress or StableIngresses must be configured. Neither are configured.',
  },
  {
    name: 'nginx with both stableIngress and stableIngresses',
    input: rollout(routed({ trafficRouting: { nginx: { stableIngress: 'a', stableIngresses: ['b'] } } })),
    field: 'spec.strategy.canary.trafficRouting.nginx',
    message: 'Internal error: Either StableIngress or StableIngresses must be configured. Both are configured.',
  },
  {
    name: 'istio without a virtual service',
    input: rollout(routed({ trafficRouting: { istio: {} } })),
    field: 'spec.strategy.canary.trafficRouting.istio',
    message: 'Internal error: either VirtualService or VirtualServices must be configured',
  },
  {
    name: 'istio with both virtualService and virtualServices',
    input: rollout(routed({ trafficRouting: { istio: { virtualService: { name: 'a' }, virtualServices: [{ name: 'b' }] } } })),
    field: 'spec.strategy.canary.trafficRouting.istio',
    message: 'Internal error: either VirtualService or VirtualServices must be configured',
  },
  {
    name: 'maxSurge and maxUnavailable both zero',
    input: rollout({ canary: { maxSurge: 0, maxUnavailable: '0%' } }),
    field: 'spec.strategy.canary.maxSurge',
    message: 'Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero',
  },
  {
    name: 'maxSurge that is not a percentage',
    input: rollout({ canary: { maxSurge: '25' } }),
    field: 'spec.strategy.canary.maxSurge',
    message:
      "Invalid value: \"25\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
  },
  {
    name: 'maxUnavailable above 100%',
    input: rollout({ canary: { maxUnavailable: '150%' } }),
    field: 'spec.strategy.canary.maxUnavailable',
    message: 'Invalid value: "150%": must not be greater than 100%',
  },
  {
    name: 'negative replicas',
    input: rollout({ canary: {} }, { replicas: -1 }),
    field: 'spec.replicas',
    message: 'Invalid value: -1: must be greater than or equal to 0',
  },
  {
    name: 'negative minReadySeconds',
    input: rollout({ canary: {} }, { minReadySeconds: -5 }),
    field: 'spec.minReadySeconds',
    message: 'Invalid value: -5: must be greater than or equal to 0',
  },
  {
    name: 'progress deadline not above minReadySeconds',
    input: rollout({ canary: {} }, { minReadySeconds: 600 }),
    field: 'spec.progressDeadlineSeconds',
    message: 'Invalid value: 600: must be greater than minReadySeconds',
  },
  {
    name: 'negative scaleDownDelaySeconds',
    input: rollout({ blueGreen: { activeService: 'a', scaleDownDelaySeconds: -30 } }),
    field: 'spec.strategy.blueGreen.scaleDownDelaySeconds',
    message: 'Invalid value: -30: must be greater than or equal to 0',
  },
  {
    name: 'canary scaleDownDelaySeconds without traffic routing',
    input: rollout({ canary: { scaleDownDelaySeconds: 30 } }),
    field: 'spec.strategy.canary.scaleDownDelaySeconds',
    message: 'Invalid value: 30: Canary scaleDownDelaySeconds can only be used with traffic routing',
  },
  {
    name: 'dynamicStableScale with scaleDownDelaySeconds',
    input: rollout(routed({ dynamicStableScale: true, scaleDownDelaySeconds: 30 })),
    field: 'spec.strategy.canary.dynamicStableScale',
    message: 'Invalid value: true: Canary dynamicStableScale cannot be used with scaleDownDelaySeconds',
  },
  {
    name: 'dynamicStableScale without traffic routing',
    input: rollout({ canary: { dynamicStableScale: true } }),
    field: 'spec.strategy.canary.dynamicStableScale',
    message: 'Invalid value: true: Canary dynamicStableScale can only be used with traffic routing',
  },
  {
    name: 'scale-down revision limit above the revision history limit',
    input: rollout({ blueGreen: { activeService: 'a', scaleDownDelayRevisionLimit: 5 } }, { revisionHistoryLimit: 2 }),
    field: 'spec.strategy.blueGreen.scaleDownDelayRevisionLimit',
    message: "Invalid value: 5: This rollout's revision history limit can not be smaller than the rollout's scale down limit",
  },
  {
    name: 'pause duration that does not parse',
    input: rollout({ canary: { steps: [{ pause: { duration: '5x' } }] } }),
    field: 'spec.strategy.canary.steps[0].pause.duration',
    message: 'Invalid value: "5x": Duration needs to be greater than 0',
  },
  {
    name: 'negative pause duration',
    input: rollout({ canary: { steps: [{ pause: { duration: -10 } }] } }),
    field: 'spec.strategy.canary.steps[0].pause.duration',
    message: 'Invalid value: -10: Duration needs to be greater than 0',
  },
  {
    name: 'pause longer than int32 seconds',
    input: rollout({ canary: { steps: [{ pause: { duration: '1000000h' } }] } }),
    field: 'spec.strategy.canary.steps[0].pause.duration',
    message: 'Invalid value: "1000000h": must be at most 2147483647 seconds',
  },
  {
    name: 'setCanaryScale without traffic routing',
    input: rollout({ canary: { steps: [{ setCanaryScale: { replicas: 1 } }] } }),
    field: 'spec.strategy.canary.trafficRouting',
    message: 'Required value: SetCanaryScale requires TrafficRouting to be set',
  },
  {
    name: 'setCanaryScale with weight and replicas',
    input: rollout(routed({ steps: [{ setCanaryScale: { replicas: 1, weight: 20 } }] })),
    field: 'spec.strategy.canary.steps[0].setCanaryScale',
    message: 'Invalid value: {"weight":20,"replicas":1}: SetCanaryScale must have exactly one of the following set: weight, replicas or matchTrafficWeight',
  },
  {
    name: 'setCanaryScale weight above 100',
    input: rollout(routed({ steps: [{ setCanaryScale: { weight: 120 } }] })),
    field: 'spec.strategy.canary.steps[0].setCanaryScale.weight',
    message: 'Invalid value: 120: SetCanaryScale weight needs to be between 0 and 100',
  },
  {
    name: 'setCanaryScale negative replicas',
    input: rollout(routed({ steps: [{ setCanaryScale: { replicas: -2 } }] })),
    field: 'spec.strategy.canary.steps[0].setCanaryScale.replicas',
    message: 'Invalid value: -2: must be greater than or equal to 0',
  },
  {
    name: 'setHeaderRoute with nginx',
    input: rollout(routed({ trafficRouting: { nginx: { stableIngress: 'i' }, managedRoutes: [{ name: 'h' }] }, steps: [{ setHeaderRoute: { name: 'h' } }] })),
    field: 'spec.strategy.canary.steps[0].setHeaderRoute',
    message: 'Invalid value: {"name":"h"}: SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix',
  },
  {
    name: 'setHeaderRoute name missing from managedRoutes',
    input: rollout(istio({ steps: [{ setHeaderRoute: { name: 'other', match: [{ headerName: 'x', headerValue: { exact: 'y' } }] } }] })),
    field: 'spec.strategy.canary.steps[0].setHeaderRoute',
    message: 'Invalid value: "other": Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes',
  },
  {
    name: 'setHeaderRoute without managedRoutes',
    input: rollout(istio({ trafficRouting: { istio: { virtualService: { name: 'vs' } } }, steps: [{ setHeaderRoute: { name: 'h' } }] })),
    field: 'spec.strategy.canary.trafficRouting.managedRoutes',
    message: "Required value: Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'",
  },
  {
    name: 'header match with two values',
    input: rollout(istio({ steps: [{ setHeaderRoute: { name: 'header', match: [{ headerName: 'x', headerValue: { exact: 'a', prefix: 'b' } }] } }] })),
    field: 'spec.strategy.canary.steps[0].setHeaderRoute.match[0]',
    message: 'Invalid value: {"exact":"a","prefix":"b"}: StringMatch match value must have exactly one of the following: exact, regex, prefix',
  },
  {
    name: 'setMirrorRoute with nginx',
    input: rollout(routed({ trafficRouting: { nginx: { stableIngress: 'i' }, managedRoutes: [{ name: 'm' }] }, steps: [{ setMirrorRoute: { name: 'm' } }] })),
    field: 'spec.strategy.canary.steps[0].setMirrorRoute',
    message: 'Invalid value: {"name":"m"}: SetMirrorRoute requires TrafficRouting, supports Istio only',
  },
  {
    name: 'maxTrafficWeight with istio',
    input: rollout(istio({ trafficRouting: { istio: { virtualService: { name: 'vs' } }, maxTrafficWeight: 1000 } })),
    field: 'spec.strategy.canary.trafficRouting.maxTrafficWeight',
    message: 'Invalid value: 1000: Canary maxTrafficWeight in traffic routing only support in Nginx and Plugins',
  },
  {
    name: 'experiment template weight without traffic routing',
    input: rollout({ canary: { steps: [{ experiment: { templates: [{ name: 'baseline', specRef: 'stable', weight: 10 }] } }] } }),
    field: 'spec.strategy.canary.steps[0].experiment.templates[0].weight',
    message: 'Invalid value: 10: Experiment template weight cannot be set unless TrafficRouting is enabled',
  },
  {
    name: 'analysis argument with an unsupported metadata field',
    input: rollout({ canary: { steps: [{ analysis: { templates: [{ templateName: 't' }], args: [{ name: 'a', valueFrom: { fieldRef: { fieldPath: 'metadata.generation' } } }] } }] } }),
    field: 'spec.strategy.canary.steps[0].analysis.args[0].valueFrom.fieldRef.fieldPath',
    message: 'Invalid value: "metadata.generation": Analyses arguments must refer to valid object metadata supported by downwardAPI',
  },
  {
    name: 'anti-affinity with both rules',
    input: rollout({ blueGreen: { activeService: 'a', antiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: { weight: 50 }, requiredDuringSchedulingIgnoredDuringExecution: {} } } }),
    field: 'spec.strategy.blueGreen.antiAffinity',
    message:
      'Invalid value: "antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: true antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: true": AntiAffinity must have exactly one strategy listed',
  },
  {
    name: 'anti-affinity weight out of range',
    input: rollout({ canary: { antiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: { weight: 0 } } } }),
    field: 'spec.strategy.canary.antiAffinity.weight',
    message: 'Invalid value: 0: AntiAffinity weight must be between 1-100',
  },
  {
    name: 'ping-pong with the same services',
    input: rollout({ canary: { pingPong: { pingService: 'p', pongService: 'p' }, trafficRouting: { alb: { ingress: 'i', servicePort: 80, rootService: 'r' } } } }),
    field: 'spec.strategy.canary.pingPong.pingService',
    message: 'Invalid value: "p": This rollout uses the same service for the ping and pong services, but two different services are required.',
  },
  {
    name: 'ping-pong with a router other than ALB or Istio',
    input: rollout({ canary: { stableService: 's', canaryService: 'c', pingPong: { pingService: 'p', pongService: 'q' }, trafficRouting: { nginx: { stableIngress: 'i' } } } }),
    field: 'spec.strategy.canary.trafficRouting.alb',
    message: 'Invalid value: null: Ping-pong feature works with the ALB, Istio, and plugin-based traffic routers only',
  },
  {
    name: 'ping-pong with a traffic router plugin',
    input: rollout({ canary: { pingPong: { pingService: 'p', pongService: 'q' }, trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'r', namespace: 'default' } } } } }),
    field: 'spec.strategy.canary.trafficRouting.plugins',
    message: 'Invalid value: null: Ramp does not support ping-pong Services with a traffic router plugin; use the ALB or Istio router',
  },
  {
    name: 'huge replica count',
    input: rollout({ canary: {} }, { replicas: 2_000_000_000 }),
    field: 'spec.replicas',
    message: `Invalid value: 2000000000: must be less than or equal to ${LIMITS.maxReplicas}`,
  },
  {
    name: 'replicas beyond int32',
    input: rollout({ canary: {} }, { replicas: 2 ** 40 }),
    field: 'spec.replicas',
    message: 'Invalid value: 1099511627776: must be less than or equal to 2147483647',
  },
  {
    name: 'a very large number of steps',
    input: rollout({ canary: { steps: Array.from({ length: 4000 }, () => ({ setWeight: 1 })) } }),
    field: 'spec.strategy.canary.steps',
    message: `Too many: 4000: must have at most ${LIMITS.maxSteps} items`,
  },
  {
    name: 'a list too long to walk',
    input: rollout({ canary: {} }, { template: { metadata: { labels: { app: 'guestbook' } }, spec: { containers: Array.from({ length: 10_000 }, () => ({ name: 'c' })) } } }),
    field: 'spec.template.spec.containers',
    message: `Too many: 10000: must have at most ${LIMITS.maxListItems} items`,
  },
];

describe('validateRollout rejects invalid rollouts with the field and message Argo reports', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = validateRollout(c.input);
      assert.equal(result.ok, false, 'expected the rollout to be invalid');
      const errors: FieldError[] = result.ok ? [] : result.errors;
      assert.ok(
        errors.some((e) => e.field === c.field && e.message === c.message),
        `expected ${c.field}: ${c.message}\n got:\n${errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`,
      );
    });
  }
});

describe('validateRollout on hostile input', () => {
  it('rejects something that is not an object', () => {
    for (const input of [null, 42, 'rollout', []]) {
      const result = validateRollout(input);
      assert.equal(result.ok, false);
    }
  });

  it('rejects deeply nested objects without overflowing the stack', () => {
    let deep: Json = {};
    for (let i = 0; i < 10_000; i++) deep = { nested: deep };
    const result = validateRollout(rollout({ canary: {} }, { template: { metadata: { labels: { app: 'guestbook' } }, spec: { containers: [{ name: 'c' }], deep } } }));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? (result.errors[0]?.message ?? '') : '', /nested too deeply/);
  });

  it('caps the number of reported errors', () => {
    const steps = Array.from({ length: LIMITS.maxSteps }, () => ({ setWeight: 'x', pause: 3 }));
    const result = validateRollout(rollout({ canary: { steps } }));
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.errors.length, LIMITS.maxErrors);
  });
});

describe('invalidSpecMessage', () => {
  it('formats the first error like Argo InvalidSpec condition', () => {
    const result = validateRollout(rollout({ blueGreen: { activeService: 'svc', previewService: 'svc' } }));
    assert.ok(!result.ok);
    assert.equal(
      invalidSpecMessage('guestbook', result.errors),
      'The Rollout "guestbook" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "svc": This rollout uses the same service for the active and preview services, but two different services are required.',
    );
  });
});

describe('validateRollout accepts', () => {
  it('ping-pong Services with the Istio router and no stableService or canaryService, as Argo since 1.7', () => {
    const input = rollout({ canary: { pingPong: { pingService: 'p', pongService: 'q' }, trafficRouting: { istio: { virtualService: { name: 'vs' } } } } });
    const result = validateRollout(input);
    assert.deepEqual(result.ok ? [] : result.errors, []);
  });

  it('a workloadRef rollout without a template', () => {
    const input = rollout({ canary: { steps: [{ setWeight: 50 }] } }, { template: undefined, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'guestbook', scaleDown: 'onsuccess' } });
    const result = validateRollout(input);
    assert.deepEqual(result.ok ? [] : result.errors, []);
  });

  it('the status the controller writes', () => {
    const input = {
      ...rollout({ canary: { steps: [{ setWeight: 50 }, { pause: {} }] } }),
      status: {
        phase: 'Paused',
        message: 'CanaryPauseStep',
        currentPodHash: '5d8f9c7b6',
        stableRS: '7f6d5c4b3',
        currentStepIndex: 1,
        currentStepHash: '6c9d8b7f5',
        pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2024-02-15T20:05:40Z' }],
        controllerPause: true,
        observedGeneration: '3',
        replicas: 4,
        updatedReplicas: 2,
        readyReplicas: 4,
        availableReplicas: 4,
        HPAReplicas: 4,
        selector: 'app=guestbook',
        conditions: [
          { type: 'Paused', status: 'True', reason: 'CanaryPauseStep', message: 'Rollout is paused', lastUpdateTime: '2024-02-15T20:05:40Z', lastTransitionTime: '2024-02-15T20:05:40Z' },
        ],
        canary: { weights: { canary: { weight: 50, podTemplateHash: '5d8f9c7b6' }, stable: { weight: 50, podTemplateHash: '7f6d5c4b3' } } },
      },
    };
    const result = validateRollout(input);
    assert.deepEqual(result.ok ? [] : result.errors, []);
    assert.equal(result.ok && result.rollout.status?.canary?.weights?.canary.weight, 50);
  });
});

describe('withStrategy: a stored Rollout as readers that do not parse it see it', () => {
  it('reads a missing spec.strategy as empty, and leaves one that is there as it is', () => {
    const stored = withoutStrategy(rollout({})) as { spec: Record<string, unknown> };
    assert.deepEqual(withStrategy(stored).spec.strategy, {});
    assert.equal(stored.spec.strategy, undefined, 'the stored object is not changed');
    const canary = rollout({ canary: {} });
    assert.equal(withStrategy(canary), canary);
    assert.equal(withStrategy(undefined), undefined);
  });
});
