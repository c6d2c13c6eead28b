// Argo Rollouts' notification metrics, with its names and labels:
// notification_send_success and notification_send_error count sends by the
// event that caused them, notification_send times each event's delivery.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { NotificationMetrics } from './notifier.ts';

export function registerNotificationMetrics(registry: Registry): NotificationMetrics {
  const labelNames = ['namespace', 'name', 'type', 'reason'] as const;
  const success = new Counter({ name: 'notification_send_success', help: 'Notification send success.', labelNames, registers: [registry] });
  const failure = new Counter({ name: 'notification_send_error', help: 'Error sending the notification', labelNames, registers: [registry] });
  const duration = new Histogram({ name: 'notification_send', help: 'Notification send performance.', labelNames: ['namespace', 'name'] as const, buckets: [0.01, 0.15, 0.25, 0.5, 1], registers: [registry] });
  const labels = (o: { metadata?: { namespace?: string; name?: string } }) => ({ namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' });
  return {
    sent: (o, e) => success.inc({ ...labels(o), type: e.type, reason: e.reason }),
    failed: (o, e) => failure.inc({ ...labels(o), type: e.type, reason: e.reason }),
    duration: (o, seconds) => duration.observe(labels(o), seconds),
  };
}
