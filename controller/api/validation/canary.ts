import { maxSurgeOrDefault, maxTrafficWeight, maxUnavailableOrDefault, revisionHistoryLimitOrDefault } from '../defaults.ts';
import { parseGoDuration, DurationError } from '../duration.ts';
import { CANARY_STEP_KINDS, type CanaryStep, type CanaryStrategy, type StringMatch } from '../canary.ts';
import type { Rollout } from '../rollout.ts';
import type { RolloutTrafficRouting } from '../traffic.ts';
import { type FieldError, child, internalError, invalid, required, tooMany } from './field-error.ts';
import { LIMITS } from './limits.ts';
import { validateGatewayAPI } from './gatewayapi.ts';
import {
  checkPauseDuration,
  intOrPercentNumber,
  nonNegative,
  validateAnalysisArgs,
  validateAntiAffinity,
  validateIntOrPercent,
  validateRolloutAnalysis,
} from './common.ts';
import * as M from './messages.ts';

/** Argo's requireCanaryStableServices: routers that switch traffic between the two Services. */
function requiresCanaryStableServices(canary: CanaryStrategy): boolean {
  const tr = canary.trafficRouting;
  if (!tr) return false;
  return (
    (tr.alb !== undefined && canary.pingPong === undefined) ||
    (tr.istio !== undefined && tr.istio.destinationRule === undefined && canary.pingPong === undefined) ||
    tr.smi !== undefined ||
    tr.apisix !== undefined ||
    tr.ambassador !== undefined ||
    tr.nginx !== undefined ||
    tr.appMesh !== undefined ||
    tr.traefik !== undefined
  );
}

const ROUTERS = ['nginx', 'istio', 'alb', 'smi', 'ambassador', 'appMesh', 'traefik', 'apisix', 'plugins'] as const;

function hasPlugins(tr: RolloutTrafficRouting): boolean {
  return tr.plugins !== undefined && Object.keys(tr.plugins).length > 0;
}

export function validateCanary(rollout: Rollout, path: string): FieldError[] {
  const canary = rollout.spec.strategy.canary as CanaryStrategy;
  const errors: FieldError[] = [];
  const tr = canary.trafficRouting;

  errors.push(...validateIntOrPercent(child(path, 'maxSurge'), canary.maxSurge));
  errors.push(...validateIntOrPercent(child(path, 'maxUnavailable'), canary.maxUnavailable, 100));
  if (intOrPercentNumber(maxSurgeOrDefault(rollout)) === 0 && intOrPercentNumber(maxUnavailableOrDefault(rollout)) === 0) {
    errors.push(invalid(child(path, 'maxSurge'), maxSurgeOrDefault(rollout), M.InvalidMaxSurgeMaxUnavailable));
  }
  if (canary.canaryService && canary.stableService && canary.canaryService === canary.stableService) {
    errors.push(invalid(child(path, 'stableService'), canary.stableService, M.DuplicatedServicesCanaryMessage));
  }
  errors.push(...validatePingPong(canary, path));
  if (requiresCanaryStableServices(canary)) {
    if (!canary.stableService) errors.push(invalid(child(path, 'stableService'), canary.stableService ?? '', M.InvalidTrafficRoutingMessage));
    if (!canary.canaryService) errors.push(invalid(child(path, 'canaryService'), canary.canaryService ?? '', M.InvalidTrafficRoutingMessage));
  }

  if (!tr) {
    if (canary.scaleDownDelaySeconds !== undefined) {
      errors.push(invalid(child(path, 'scaleDownDelaySeconds'), canary.scaleDownDelaySeconds, M.InvalidCanaryScaleDownDelay));
    }
    if (canary.dynamicStableScale) errors.push(invalid(child(path, 'dynamicStableScale'), true, M.InvalidCanaryDynamicStableScale));
  } else {
    errors.push(...validateTrafficRouting(tr, child(path, 'trafficRouting')));
    errors.push(...validateGatewayAPI(canary, path));
    if (canary.scaleDownDelaySeconds !== undefined && canary.dynamicStableScale) {
      errors.push(invalid(child(path, 'dynamicStableScale'), true, M.InvalidCanaryDynamicStableScaleWithScaleDownDelay));
    }
    if (tr.maxTrafficWeight !== undefined) {
      if (tr.nginx === undefined && !hasPlugins(tr)) {
        errors.push(invalid(child(child(path, 'trafficRouting'), 'maxTrafficWeight'), tr.maxTrafficWeight, M.InvalidCanaryMaxWeightOnlySupportInNginxAndPlugins));
      } else if (tr.maxTrafficWeight < 1) {
        errors.push(invalid(child(child(path, 'trafficRouting'), 'maxTrafficWeight'), tr.maxTrafficWeight, 'must be greater than 0'));
      }
    }
  }

  errors.push(
    ...nonNegative(path, {
      scaleDownDelaySeconds: canary.scaleDownDelaySeconds,
      scaleDownDelayRevisionLimit: canary.scaleDownDelayRevisionLimit,
      abortScaleDownDelaySeconds: canary.abortScaleDownDelaySeconds,
      minPodsPerReplicaSet: canary.minPodsPerReplicaSet,
    }),
  );
  if (canary.scaleDownDelayRevisionLimit !== undefined && revisionHistoryLimitOrDefault(rollout) < canary.scaleDownDelayRevisionLimit) {
    errors.push(invalid(child(path, 'scaleDownDelayRevisionLimit'), canary.scaleDownDelayRevisionLimit, M.ScaleDownLimitLargerThanRevisionLimit));
  }

  const steps = canary.steps ?? [];
  if (steps.length > LIMITS.maxSteps) {
    errors.push(tooMany(child(path, 'steps'), steps.length, LIMITS.maxSteps));
  } else {
    // Several steps can report the same strategy-level problem (a missing trafficRouting or
    // managedRoutes); report it once.
    const seen = new Set(errors.map((e) => `${e.field}\n${e.message}`));
    steps.forEach((step, i) => {
      for (const error of validateStep(rollout, canary, step, child(child(path, 'steps'), i))) {
        const key = `${error.field}\n${error.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        errors.push(error);
      }
    });
  }

  if (canary.analysis) {
    const analysisPath = child(path, 'analysis');
    errors.push(...validateRolloutAnalysis(canary.analysis, analysisPath));
    errors.push(...nonNegative(analysisPath, { startingStep: canary.analysis.startingStep }));
  }
  errors.push(...validateAntiAffinity(canary.antiAffinity, child(path, 'antiAffinity')));
  return errors;
}

function validatePingPong(canary: CanaryStrategy, path: string): FieldError[] {
  const pingPong = canary.pingPong;
  if (!pingPong) return [];
  const errors: FieldError[] = [];
  const tr = canary.trafficRouting;
  const trPath = child(path, 'trafficRouting');
  if (tr && tr.alb === undefined && tr.istio === undefined) {
    errors.push(hasPlugins(tr) ? invalid(child(trPath, 'plugins'), null, M.PingPongWithPluginsMessage) : invalid(child(trPath, 'alb'), null, M.PingPongWithRouterOnlyMessage));
  }
  const ppPath = child(path, 'pingPong');
  if (pingPong.pingService === '') errors.push(invalid(child(ppPath, 'pingService'), '', M.InvalidPingPongProvidedMessage));
  if (pingPong.pongService === '') errors.push(invalid(child(ppPath, 'pongService'), '', M.InvalidPingPongProvidedMessage));
  if (pingPong.pingService === pingPong.pongService) {
    errors.push(invalid(child(ppPath, 'pingService'), pingPong.pingService, M.DuplicatedPingPongServicesMessage));
  }
  if (tr?.alb && !tr.alb.rootService) errors.push(invalid(child(child(trPath, 'alb'), 'rootService'), '', M.MissedAlbRootServiceMessage));
  return errors;
}

/** Argo's Validate…IngressesConfig for NGINX and ALB: the single Ingress field or the list, exactly one. */
function oneOfIngresses(path: string, [one, many]: [string, string], single: string | undefined, list: string[] | undefined): FieldError[] {
  const hasSingle = Boolean(single);
  if (hasSingle !== (list !== undefined)) return [];
  const which = hasSingle ? 'Both are configured.' : 'Neither are configured.';
  return [internalError(path, `Either ${one} or ${many} must be configured. ${which}`)];
}

function validateTrafficRouting(tr: RolloutTrafficRouting, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const configured = ROUTERS.filter((router) => (router === 'plugins' ? hasPlugins(tr) : tr[router] !== undefined));
  if (configured.length === 0) {
    errors.push(required(path, M.MissingFieldMessage(`.spec.strategy.canary.trafficRouting.{${ROUTERS.join(',')}}`)));
  }
  if (tr.nginx) errors.push(...oneOfIngresses(child(path, 'nginx'), ['StableIngress', 'StableIngresses'], tr.nginx.stableIngress, tr.nginx.stableIngresses));
  if (tr.alb) errors.push(...oneOfIngresses(child(path, 'alb'), ['Ingress', 'Ingresses'], tr.alb.ingress, tr.alb.ingresses));
  if (tr.istio) {
    const istioPath = child(path, 'istio');
    const single = tr.istio.virtualService !== undefined;
    const multiple = tr.istio.virtualServices !== undefined;
    if (single === multiple) errors.push(internalError(istioPath, 'either VirtualService or VirtualServices must be configured'));
    const services = single ? [tr.istio.virtualService] : (tr.istio.virtualServices ?? []);
    services.forEach((vs, i) => {
      if (vs && vs.name === '') {
        errors.push(required(single ? child(child(istioPath, 'virtualService'), 'name') : child(child(child(istioPath, 'virtualServices'), i), 'name')));
      }
    });
  }
  const seen = new Set<string>();
  (tr.managedRoutes ?? []).forEach((route, i) => {
    const routePath = child(child(path, 'managedRoutes'), i);
    if (route.name === '') errors.push(required(child(routePath, 'name')));
    else if (seen.has(route.name)) errors.push({ field: child(routePath, 'name'), message: `Duplicate value: ${JSON.stringify(route.name)}` });
    seen.add(route.name);
  });
  return errors;
}

function stepKinds(step: CanaryStep): string[] {
  return CANARY_STEP_KINDS.filter((kind) => step[kind] !== undefined);
}

function validateStep(rollout: Rollout, canary: CanaryStrategy, step: CanaryStep, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const tr = canary.trafficRouting;
  const kinds = stepKinds(step);
  if (kinds.length === 0) errors.push(invalid(path, step, M.InvalidStepMessage));
  if (kinds.length > 1) errors.push(invalid(path, kinds.join(', '), `${M.InvalidStepMessage}; a step sets exactly one of: ${CANARY_STEP_KINDS.join(', ')}`));

  const maxWeight = maxTrafficWeight(rollout);
  if (step.setWeight !== undefined && (step.setWeight < 0 || step.setWeight > maxWeight)) {
    errors.push(invalid(child(path, 'setWeight'), step.setWeight, M.InvalidSetWeightMessage(maxWeight)));
  }
  if (step.pause?.duration !== undefined) {
    const check = checkPauseDuration(step.pause.duration);
    if (!check.ok) {
      const detail = check.reason === 'too large' ? 'must be at most 2147483647 seconds' : M.InvalidDurationMessage;
      errors.push(invalid(child(child(path, 'pause'), 'duration'), step.pause.duration, detail));
    }
  }
  if (step.setCanaryScale) errors.push(...validateSetCanaryScale(step, canary, path));
  if (step.setHeaderRoute) {
    const routePath = child(path, 'setHeaderRoute');
    if (!tr || (tr.istio === undefined && tr.alb === undefined && tr.apisix === undefined && !hasPlugins(tr))) {
      errors.push(invalid(routePath, step.setHeaderRoute, M.InvalidSetHeaderRouteTrafficPolicy));
    } else {
      (step.setHeaderRoute.match ?? []).forEach((match, j) => {
        const matchPath = child(child(routePath, 'match'), j);
        errors.push(...(tr.alb ? albMatchErrors(match.headerValue, matchPath) : stringMatchErrors(match.headerValue, matchPath)));
        if (match.headerName === '') errors.push(required(child(matchPath, 'headerName')));
      });
    }
  }
  if (step.setMirrorRoute) {
    const routePath = child(path, 'setMirrorRoute');
    if (!tr || tr.istio === undefined) errors.push(invalid(routePath, step.setMirrorRoute, M.InvalidSetMirrorRouteTrafficPolicy));
    (step.setMirrorRoute.match ?? []).forEach((match, j) => {
      const matchPath = child(child(routePath, 'match'), j);
      if (match.method) errors.push(...stringMatchErrors(match.method, matchPath));
      if (match.path) errors.push(...stringMatchErrors(match.path, matchPath));
      for (const value of Object.values(match.headers ?? {})) errors.push(...stringMatchErrors(value, matchPath));
    });
    const percentage = step.setMirrorRoute.percentage;
    if (percentage !== undefined && (percentage < 0 || percentage > 100)) {
      errors.push(invalid(child(routePath, 'percentage'), percentage, 'must be between 0 and 100'));
    }
  }
  if (tr && (step.setHeaderRoute || step.setMirrorRoute)) {
    if (tr.managedRoutes === undefined) {
      errors.push(required(managedRoutesPath(path), M.MissingFieldMessage('spec.strategy.canary.trafficRouting.managedRoutes')));
    } else {
      const names = new Set(tr.managedRoutes.map((r) => r.name));
      if (step.setHeaderRoute && !names.has(step.setHeaderRoute.name ?? '')) {
        errors.push(invalid(child(path, 'setHeaderRoute'), step.setHeaderRoute.name ?? '', M.InvalideStepRouteNameNotFoundInManagedRoutes));
      }
      if (step.setMirrorRoute && !names.has(step.setMirrorRoute.name)) {
        errors.push(invalid(child(path, 'setMirrorRoute'), step.setMirrorRoute.name, M.InvalideStepRouteNameNotFoundInManagedRoutes));
      }
    }
  }
  if (step.experiment) errors.push(...validateExperimentStep(step, canary, path));
  if (step.analysis) errors.push(...validateRolloutAnalysis(step.analysis, child(path, 'analysis')));
  if (step.plugin && step.plugin.name === '') errors.push(required(child(child(path, 'plugin'), 'name')));
  return errors;
}

/** `spec.strategy.canary.trafficRouting.managedRoutes`, from a step path such as `spec.strategy.canary.steps[3]`. */
function managedRoutesPath(stepPath: string): string {
  const canaryPath = stepPath.replace(/\.steps\[\d+\]$/, '');
  return child(child(canaryPath, 'trafficRouting'), 'managedRoutes');
}

function validateSetCanaryScale(step: CanaryStep, canary: CanaryStrategy, path: string): FieldError[] {
  const scale = step.setCanaryScale;
  if (!scale) return [];
  const errors: FieldError[] = [];
  const scalePath = child(path, 'setCanaryScale');
  if (!canary.trafficRouting) {
    errors.push(required(child(path.replace(/\.steps\[\d+\]$/, ''), 'trafficRouting'), M.InvalidSetCanaryScaleTrafficPolicy));
  }
  const set = (['weight', 'replicas', 'matchTrafficWeight'] as const).filter((k) => (k === 'matchTrafficWeight' ? scale[k] === true : scale[k] !== undefined));
  if (set.length !== 1) {
    errors.push(invalid(scalePath, scale, 'SetCanaryScale must have exactly one of the following set: weight, replicas or matchTrafficWeight'));
  }
  if (scale.weight !== undefined && (scale.weight < 0 || scale.weight > 100)) {
    errors.push(invalid(child(scalePath, 'weight'), scale.weight, 'SetCanaryScale weight needs to be between 0 and 100'));
  }
  if (scale.replicas !== undefined) {
    if (scale.replicas < 0) errors.push(invalid(child(scalePath, 'replicas'), scale.replicas, M.NonNegativeMessage));
    else if (scale.replicas > LIMITS.maxReplicas) {
      errors.push(invalid(child(scalePath, 'replicas'), scale.replicas, `must be less than or equal to ${LIMITS.maxReplicas}`));
    }
  }
  return errors;
}

function validateExperimentStep(step: CanaryStep, canary: CanaryStrategy, path: string): FieldError[] {
  const experiment = step.experiment;
  if (!experiment) return [];
  const errors: FieldError[] = [];
  const expPath = child(path, 'experiment');
  const tr = canary.trafficRouting;
  if (experiment.templates.length === 0) errors.push(required(child(expPath, 'templates')));
  experiment.templates.forEach((template, t) => {
    const templatePath = child(child(expPath, 'templates'), t);
    if (template.weight !== undefined) {
      if (!tr) errors.push(invalid(child(templatePath, 'weight'), template.weight, M.InvalidCanaryExperimentTemplateWeightWithoutTrafficRouting));
      else if (tr.alb === undefined && tr.smi === undefined && tr.istio === undefined) {
        errors.push(invalid(child(templatePath, 'weight'), template.weight, M.InvalidCanaryExperimentTemplateWeightRouter));
      }
    }
    errors.push(...nonNegative(templatePath, { replicas: template.replicas }));
  });
  if (experiment.duration !== undefined && experiment.duration !== '') {
    try {
      if (parseGoDuration(experiment.duration) < 0) errors.push(invalid(child(expPath, 'duration'), experiment.duration, M.InvalidDurationMessage));
    } catch (err) {
      if (!(err instanceof DurationError)) throw err;
      errors.push(invalid(child(expPath, 'duration'), experiment.duration, err.message));
    }
  }
  (experiment.analyses ?? []).forEach((analysis, a) => {
    errors.push(...validateAnalysisArgs(analysis.args, child(child(child(expPath, 'analyses'), a), 'args')));
  });
  return errors;
}

function stringMatchErrors(match: StringMatch | undefined, path: string): FieldError[] {
  if (!match) return [invalid(path, null, M.InvalidStringMatchMissedValuePolicy)];
  const set = [match.exact, match.regex, match.prefix].filter((v) => v !== undefined && v !== '').length;
  if (set > 1) return [invalid(path, match, M.InvalidStringMatchMultipleValuePolicy)];
  if (set === 0) return [invalid(path, match, M.InvalidStringMatchMissedValuePolicy)];
  return [];
}

function albMatchErrors(match: StringMatch | undefined, path: string): FieldError[] {
  if (!match) return [invalid(path, null, M.InvalidStringMatchMissedValuePolicy)];
  if (!match.exact || match.regex || match.prefix) return [invalid(path, match, M.InvalidSetHeaderRouteALBValuePolicy)];
  return [];
}
