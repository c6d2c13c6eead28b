import { z } from 'zod';
import {
  abortRollout,
  pauseRollout,
  promoteRollout,
  restartRollout,
  resumeRollout,
  retryRollout,
  setImage,
  undoRollout,
} from '../../client/actions/rollout-actions.ts';
import { actionDoneMessage, imageUpdatedMessage, restartMessage } from '../../client/actions/messages.ts';
import type { KubeVerbs } from '../../controller/kube/client.ts';
import type { ActionName, ActionResult } from '../shared/api.ts';

const Empty = z.strictObject({});

/** What each action accepts in its JSON body; an absent body is the empty object. */
export const ACTION_BODIES = {
  promote: Empty,
  'promote-full': Empty,
  pause: Empty,
  resume: Empty,
  abort: Empty,
  retry: Empty,
  restart: Empty,
  undo: z.strictObject({
    toRevision: z.int().min(0, 'toRevision must be 0 (the previous revision) or a revision number').optional(),
  }),
  'set-image': z.strictObject({
    /** A container, init container or ephemeral container name; "*" sets every one. */
    container: z.string().max(63).regex(/^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/, 'container is a container name (a DNS label) or "*" for all'),
    image: z.string().min(1, 'image is required').max(1024).regex(/^\S+$/, 'an image reference has no spaces'),
  }),
} satisfies Record<ActionName, z.ZodType>;

export type ActionBody<A extends ActionName> = z.infer<(typeof ACTION_BODIES)[A]>;

/**
 * Runs one action through the CLI's write function of the same verb, so the dashboard sends
 * exactly the patches `kubectl ramp` (and `kubectl argo rollouts`) send.
 */
export async function runAction(
  client: KubeVerbs,
  action: ActionName,
  namespace: string,
  name: string,
  body: Record<string, unknown>,
  now: Date,
): Promise<ActionResult> {
  const done = (message: string): ActionResult => ({ action, namespace, name, message });
  switch (action) {
    case 'promote':
      await promoteRollout(client, namespace, name);
      return done(actionDoneMessage('promote', name));
    case 'promote-full':
      await promoteRollout(client, namespace, name, { full: true });
      return done(actionDoneMessage('promote-full', name));
    case 'pause':
      await pauseRollout(client, namespace, name);
      return done(actionDoneMessage('pause', name));
    case 'resume':
      await resumeRollout(client, namespace, name);
      return done(actionDoneMessage('resume', name));
    case 'abort':
      await abortRollout(client, namespace, name);
      return done(actionDoneMessage('abort', name));
    case 'retry':
      await retryRollout(client, namespace, name);
      return done(actionDoneMessage('retry', name));
    case 'restart':
      await restartRollout(client, namespace, name, now);
      return done(restartMessage(name, 'now'));
    case 'undo': {
      const revision = typeof body.toRevision === 'number' ? body.toRevision : 0;
      const result = await undoRollout(client, namespace, name, revision);
      return done(result.message);
    }
    case 'set-image': {
      const { container, image } = body as ActionBody<'set-image'>;
      const result = await setImage(client, namespace, name, container, image);
      return done(imageUpdatedMessage(result.kind, result.name));
    }
  }
}
