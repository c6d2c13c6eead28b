// Notifications as the controller runs them: an event listener that reads
// argo-rollouts-notification-configmap and its Secret in the controller's
// namespace and hands each recorded event to the Notifier.
import type { Registry } from 'prom-client';
import { nodeHttp, type HttpPort } from '../http/client.ts';
import type { EventListenerSetup } from '../runtime/types.ts';
import { kubeNotifierPorts, notificationInformers } from './kube.ts';
import { registerNotificationMetrics } from './metrics.ts';
import { Notifier } from './notifier.ts';
import { nodeSmtp, type SmtpPort } from './services/smtp.ts';

export { NOTIFICATION_CONFIGMAP, NOTIFICATION_SECRET } from './kube.ts';

export function notificationsListener(options: { registry?: Registry; http?: HttpPort; smtp?: SmtpPort } = {}): EventListenerSetup {
  const metrics = options.registry ? registerNotificationMetrics(options.registry) : undefined;
  return {
    name: 'notifications',
    setup({ client, caches, config, clock, logger, namespace }) {
      const selfService = config.selfServiceNotificationEnabled;
      const informers = notificationInformers({ client, namespace, selfService, watched: config.namespace, clock, logger, resyncMs: config.resyncSeconds * 1000 });
      informers.start();
      const ports = kubeNotifierPorts({ client, caches, source: informers.source, http: options.http ?? nodeHttp, smtp: options.smtp ?? nodeSmtp, clock, logger, metrics });
      // Argo's GetAPIsFromNamespace: the object's namespace first, then the controller's.
      const notifier = new Notifier(ports, namespace, selfService);
      return {
        recorded: (kind, involved, event) => notifier.notify(kind, involved, event),
        // Argo's notification controller looks at Rollouts only.
        observed: (kind, object) => {
          if (kind === 'Rollout') notifier.observe(kind, object);
        },
        async stop() {
          await informers.stop();
        },
      };
    },
  };
}
