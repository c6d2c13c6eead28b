import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Registry } from 'prom-client';
import { createAnalysisRunRegistration } from './analysis/run-controller/index.ts';
import { parseConfig } from './runtime/config.ts';
import { describeKubeError } from './kube/errors.ts';
import { createExperimentRegistration } from './experiment/registration.ts';
import { createRolloutRegistration } from './reconcile/edge/registration.ts';
import { createLogger } from './runtime/logger.ts';
import { collectProcessMetrics } from './runtime/metrics.ts';
import { notificationsListener } from './notifications/index.ts';
import { startController } from './runtime/start.ts';
import type { ReconcilerRegistration } from './runtime/types.ts';

export { startController, type ControllerHandle, type StartOptions } from './runtime/start.ts';

/** What the controller process reconciles; the Rollout, AnalysisRun and Experiment gauges are registered on `registry`. */
export function defaultReconcilers(registry?: Registry): readonly ReconcilerRegistration[] {
  const metrics = registry ? { registry } : {};
  return [createRolloutRegistration(metrics), createAnalysisRunRegistration(metrics), createExperimentRegistration(metrics)];
}

/**
 * The process: parse configuration, start, and on SIGTERM or SIGINT shut down gracefully and
 * exit 0. A second signal exits at once.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const outcome = parseConfig(argv, env, { hostname: hostname(), pid: process.pid });
  if (outcome.kind === 'help') {
    process.stdout.write(outcome.text);
    return 0;
  }
  if (outcome.kind === 'error') {
    process.stderr.write(`ramp-controller: ${outcome.message} (see --help)\n`);
    return 2;
  }
  const config = outcome.config;
  const logger = createLogger(config.logLevel);
  const registry = new Registry();
  collectProcessMetrics(registry);
  const reconcilers = defaultReconcilers(registry);
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, `unhandled rejection: ${describeKubeError(reason)}`);
  });
  logger.info(
    {
      namespace: config.namespace ?? '(all)',
      instanceId: config.instanceId ?? '(none)',
      workers: config.workers,
      leaderElect: config.leaderElect,
      identity: config.identity,
      reconcilers: reconcilers.map((r) => r.name),
    },
    'ramp controller starting',
  );
  let handle;
  try {
    handle = await startController(config, reconcilers, { logger, registry, listeners: [notificationsListener({ registry })] });
  } catch (err) {
    logger.fatal(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const started = handle;
  const ended = await new Promise<NodeJS.Signals | { failed: unknown }>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    void started.failed.then((err) => resolve({ failed: err }));
  });
  if (typeof ended === 'object') {
    // Up but unable to reconcile is worse than down: exit, so the Deployment restarts the pod.
    logger.fatal(`cannot run: ${describeKubeError(ended.failed)}`);
    await started.stop().catch(() => undefined);
    return 1;
  }
  const signal = ended;
  logger.info(`received ${signal}: shutting down (a second signal exits at once)`);
  const exitNow = (): void => {
    logger.warn('second signal: exiting without finishing in-flight work');
    process.exit(1);
  };
  process.once('SIGTERM', exitNow);
  process.once('SIGINT', exitNow);
  await handle.stop();
  return 0;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`ramp-controller: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
