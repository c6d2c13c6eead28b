// The reasons of the events notifications record on the object they were for.
// Argo records none (it only logs and counts); the Rollout's events are where
// its owner looks first for whether a subscribed notification went out.
export const NOTIFICATION_REASONS = {
  /** A notification was delivered (a Normal event). */
  sent: 'NotificationSent',
  /** A send failed after its retries. */
  sendFailed: 'NotificationFailed',
  /** The subscription names a service type Ramp does not send through. */
  serviceUnsupported: 'NotificationServiceUnsupported',
  /** The ConfigMap, Secret, a trigger, template or service setting is wrong. */
  configError: 'NotificationConfigError',
} as const;

export interface NotificationWarning {
  reason: Exclude<(typeof NOTIFICATION_REASONS)[keyof typeof NOTIFICATION_REASONS], typeof NOTIFICATION_REASONS.sent>;
  message: string;
}
