import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Clock } from '../../controller/kube/clock.ts';
import type { KubeVerbs } from '../../controller/kube/client.ts';
import { STREAM_EVENTS, type ActionName, type DeletedEvent, type Settings } from '../shared/api.ts';
import { ACTION_BODIES, runAction } from './actions.ts';
import { authorizeWrite, hostAllowed, type WritePolicy } from './auth.ts';
import { rolloutKey } from './cache.ts';
import { errorBody, HttpError, httpErrorOf } from './errors.ts';
import type { HubUpdate, RolloutHub } from './hub.ts';
import { SseChannel, SseRegistry } from './sse.ts';
import type { ExperimentReader } from './experiments.ts';
import { ActionParamsSchema, ExperimentParamsSchema, ListQuerySchema, parseInput, RolloutParamsSchema } from './validation.ts';

export interface AppDeps {
  hub: RolloutHub;
  experiments: ExperimentReader;
  /** The CLI's client, through which every write goes. */
  writer: KubeVerbs;
  policy: WritePolicy;
  /** Namespace-scoped mode: every other namespace is refused. */
  namespace?: string;
  /** The address the server binds, for the Host header check. */
  bindHost: string;
  clock: Clock;
  logger: Logger;
  /** The built web app; undefined serves the API only. */
  webRoot?: string;
  /**
   * The path prefix everything is served under ("/rollouts"), for a dashboard behind a proxy that
   * forwards one path; normalized by `normalizeRootPath`. Empty or undefined: the root.
   */
  rootPath?: string;
  unavailable: string[];
  version: string;
  /** Limits; the defaults suit one person's browser tabs. */
  maxBodyBytes?: number;
  maxStreams?: number;
  heartbeatMs?: number;
}

export interface DashboardApp {
  app: express.Express;
  streams: SseRegistry;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // React and recharts set styles through the DOM; no script is ever inline.
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'",
};

/** body-parser's error types, which carry the status they mean. */
interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

function bodyParserError(err: unknown, limit: number): HttpError | undefined {
  const e = err as BodyParserError;
  if (typeof e !== 'object' || e === null || typeof e.type !== 'string') return undefined;
  switch (e.type) {
    case 'entity.too.large':
      return new HttpError(413, `request body too large: at most ${limit} bytes`, 'actions take at most a few small fields, e.g. {"toRevision": 3}');
    case 'entity.parse.failed':
      return new HttpError(400, 'malformed JSON in the request body', 'send a JSON object, e.g. {} or {"toRevision": 3}, with Content-Type: application/json');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported request body encoding', 'send UTF-8 JSON');
    case 'request.aborted':
      return new HttpError(400, 'the request body ended early');
    default:
      return typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? new HttpError(e.status, 'the request body could not be read') : undefined;
  }
}

/** `--root-path`: "/" and "" mean the root; otherwise one leading slash, no trailing one. */
export function normalizeRootPath(value: string): string {
  const trimmed = value.replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (!trimmed.startsWith('/') || !/^(\/[A-Za-z0-9._~-]+)+$/.test(trimmed) || trimmed.split('/').some((s) => s === '.' || s === '..')) {
    throw new Error(`"${value}" is not a root path: use a path such as /rollouts (letters, digits, . _ ~ - between slashes)`);
  }
  return trimmed;
}

/** The Express app: JSON API, event streams and the web app. No listening here; see start.ts. */
export function createApp(deps: AppDeps): DashboardApp {
  const maxBody = deps.maxBodyBytes ?? 16 * 1024;
  const streams = new SseRegistry(deps.maxStreams ?? 64);
  const sseOptions = { clock: deps.clock, heartbeatMs: deps.heartbeatMs ?? 15_000, maxBufferedBytes: 4 * 1024 * 1024 };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    res.set(SECURITY_HEADERS);
    if (!hostAllowed(req.headers.host, deps.bindHost)) {
      next(new HttpError(421, `requests must address the dashboard as localhost, not "${req.headers.host ?? ''}"`, 'open http://127.0.0.1:<port>/ instead'));
      return;
    }
    next();
  });

  /** In namespace-scoped mode, nothing outside the namespace exists for the dashboard. */
  const inScope = (namespace: string | undefined): void => {
    if (deps.namespace === undefined || namespace === undefined || namespace === deps.namespace) return;
    throw new HttpError(403, `the dashboard watches namespace "${deps.namespace}" only, not "${namespace}"`, 'start it without --namespace to see every namespace the kubeconfig may list');
  };

  const settings = (): Settings => {
    const out: Settings = {
      readOnly: deps.policy.readOnly,
      namespaces: deps.namespace !== undefined ? [deps.namespace] : deps.hub.namespaces(),
      unavailable: deps.unavailable,
      version: deps.version,
    };
    if (deps.namespace !== undefined) out.namespace = deps.namespace;
    return out;
  };

  const api = express.Router();

  api.get('/settings', (_req, res) => {
    res.json(settings());
  });

  api.get('/rollouts', (req, res) => {
    const { namespace } = parseInput(ListQuerySchema, req.query, 'query');
    inScope(namespace);
    res.json({ items: deps.hub.list(namespace ?? deps.namespace) });
  });

  const openStream = (req: Request, res: Response): SseChannel => {
    if (streams.full) throw new HttpError(503, `too many open event streams (${streams.max})`, 'close other dashboard tabs and reload');
    const channel = new SseChannel(req, res, sseOptions);
    streams.add(channel);
    return channel;
  };

  api.get('/rollouts/stream', (req, res) => {
    const { namespace } = parseInput(ListQuerySchema, req.query, 'query');
    inScope(namespace);
    const scope = namespace ?? deps.namespace;
    const channel = openStream(req, res);
    channel.send(STREAM_EVENTS.snapshot, { items: deps.hub.list(scope) });
    const unsubscribe = deps.hub.subscribe((update: HubUpdate) => {
      const updateNamespace = update.kind === 'deleted' ? update.namespace : update.summary.namespace;
      if (scope !== undefined && updateNamespace !== scope) return;
      if (update.kind === 'deleted') channel.send(STREAM_EVENTS.deleted, { namespace: update.namespace, name: update.name } satisfies DeletedEvent);
      else channel.send(STREAM_EVENTS.rollout, update.summary);
    });
    channel.onClose(unsubscribe);
  });

  /**
   * GET of one object and its event stream: the whole object first and on every change, then
   * `deleted` when it goes. `watch` calls back with the new value, or undefined once deleted.
   */
  const detailRoutes = <T>(kind: {
    path: string;
    params: z.ZodType<{ namespace: string; name: string }>;
    read: (namespace: string, name: string) => T | undefined;
    notFound: (namespace: string, name: string) => HttpError;
    event: string;
    watch: (key: string, namespace: string, name: string, changed: (value: T | undefined) => void) => () => void;
  }): void => {
    const found = (req: Request): { namespace: string; name: string; value: T } => {
      const { namespace, name } = parseInput(kind.params, req.params, 'path');
      inScope(namespace);
      const value = kind.read(namespace, name);
      if (value === undefined) throw kind.notFound(namespace, name);
      return { namespace, name, value };
    };
    api.get(kind.path, (req, res) => {
      res.json(found(req).value);
    });
    api.get(`${kind.path}/stream`, (req, res) => {
      const { namespace, name, value } = found(req);
      const channel = openStream(req, res);
      channel.send(kind.event, value);
      const unsubscribe = kind.watch(rolloutKey(namespace, name), namespace, name, (now) => {
        if (now === undefined) channel.send(STREAM_EVENTS.deleted, { namespace, name } satisfies DeletedEvent);
        else channel.send(kind.event, now);
      });
      channel.onClose(unsubscribe);
    });
  };

  detailRoutes({
    path: '/namespaces/:namespace/rollouts/:name',
    params: RolloutParamsSchema,
    read: (namespace, name) => deps.hub.detail(namespace, name),
    notFound: (namespace, name) => new HttpError(404, `rollout "${name}" not found in namespace "${namespace}"`, 'it may have been deleted; pick a rollout from the list'),
    event: STREAM_EVENTS.detail,
    watch: (key, _namespace, _name, changed) =>
      deps.hub.subscribe((update: HubUpdate) => {
        if (update.key === key) changed(update.kind === 'deleted' ? undefined : update.detail);
      }),
  });

  const inListScope = (req: Request): string | undefined => {
    const { namespace } = parseInput(ListQuerySchema, req.query, 'query');
    inScope(namespace);
    return namespace ?? deps.namespace;
  };

  api.get('/experiments', (req, res) => {
    res.json({ items: deps.experiments.list(inListScope(req)) });
  });

  api.get('/experiments/stream', (req, res) => {
    const scope = inListScope(req);
    const channel = openStream(req, res);
    const send = (): void => channel.send(STREAM_EVENTS.experiments, { items: deps.experiments.list(scope) });
    send();
    const unsubscribe = deps.experiments.subscribe((key) => {
      if (scope === undefined || key.startsWith(`${scope}/`)) send();
    });
    channel.onClose(unsubscribe);
  });

  detailRoutes({
    path: '/namespaces/:namespace/experiments/:name',
    params: ExperimentParamsSchema,
    read: (namespace, name) => deps.experiments.detail(namespace, name),
    notFound: (namespace, name) => new HttpError(404, `experiment "${name}" not found in namespace "${namespace}"`, 'it may have been deleted; pick one from the experiment list'),
    event: STREAM_EVENTS.experiment,
    watch: (key, namespace, name, changed) =>
      deps.experiments.subscribe((changedKey) => {
        if (changedKey === key) changed(deps.experiments.detail(namespace, name));
      }),
  });

  const actionPath = '/namespaces/:namespace/rollouts/:name/:action';
  const parseBody = express.json({ limit: maxBody, strict: true, type: () => true });

  api.post(
    actionPath,
    (req, _res, next) => {
      const params = parseInput(ActionParamsSchema, req.params, 'path');
      inScope(params.namespace);
      // Refused writes cost nothing: the body is not even read.
      authorizeWrite(deps.policy, req.headers.authorization);
      next();
    },
    parseBody,
    async (req, res) => {
      const { namespace, name, action } = parseInput(ActionParamsSchema, req.params, 'path');
      const body = parseInput(ACTION_BODIES[action], req.body ?? {}, 'request body', 'see docs/dashboard.md for what each action accepts') as Record<string, unknown>;
      const subject = { action, namespace, name };
      try {
        const result = await runAction(deps.writer, action as ActionName, namespace, name, body, new Date(deps.clock.now()));
        deps.logger.info({ action, namespace, name }, result.message);
        res.json(result);
      } catch (err) {
        const answer = httpErrorOf(err, subject);
        if (answer.status >= 500) deps.logger.error({ err, action, namespace, name }, `${action} of ${namespace}/${name} failed`);
        throw answer;
      }
    },
  );

  api.all(actionPath, (req) => {
    parseInput(ActionParamsSchema, req.params, 'path');
    throw new HttpError(405, `${req.method} is not allowed here; actions are POST requests`, undefined, { Allow: 'POST' });
  });

  api.use((req) => {
    throw new HttpError(404, `no such API endpoint: ${req.method} ${req.originalUrl.split('?')[0] ?? ''}`, 'see docs/dashboard.md for the API');
  });

  // Everything lives under the root path: the web app's asset, API and stream URLs are relative
  // to its page (always `<root>/`, deep links being in the hash), so they follow the prefix.
  const root = deps.rootPath ?? '';
  const site = express.Router();
  if (root !== '') {
    app.use((req, res, next) => {
      if (req.path !== root) {
        next();
        return;
      }
      const query = req.originalUrl.indexOf('?');
      res.redirect(308, `${root}/${query >= 0 ? req.originalUrl.slice(query) : ''}`);
    });
  }
  app.use(root === '' ? '/' : root, site);

  site.use('/api/v1', api);
  site.use('/api', (req) => {
    throw new HttpError(404, `no such API endpoint: ${req.method} ${req.originalUrl.split('?')[0] ?? ''}`, 'the API lives under /api/v1');
  });

  const webRoot = deps.webRoot;
  if (webRoot !== undefined) {
    site.use(
      express.static(webRoot, {
        index: 'index.html',
        setHeaders: (res, path) => {
          // Hashed asset names never change content; the page itself must always be fresh.
          res.set('Cache-Control', path.includes(`${join('/', 'assets', '/')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      }),
    );
    site.get('/{*path}', (_req, res, next) => {
      const index = join(webRoot, 'index.html');
      if (!existsSync(index)) {
        next(new HttpError(503, 'the web app is not built', 'run: npm run build'));
        return;
      }
      res.set('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  }

  app.use((req) => {
    throw new HttpError(404, `nothing here: ${req.method} ${req.originalUrl.split('?')[0] ?? ''}`, `open ${root}/ for the dashboard`);
  });

  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const answer = err instanceof HttpError ? err : (bodyParserError(err, maxBody) ?? undefined);
    if (answer === undefined) {
      deps.logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
      res.status(500).json(errorBody('internal error', 'the dashboard\'s log has the details'));
      return;
    }
    res.set(answer.headers).status(answer.status).json(answer.body());
  });

  return { app, streams };
}
