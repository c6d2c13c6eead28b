// The reasons of the Warning events notifications record on the object they
// were for. Argo records none; these say why a subscribed notification was
// not delivered, where the Rollout's owner looks first.
export const NOTIFICATION_REASONS = {
  /** A send failed after its retries. */
  sendFailed: 'NotificationFailed',
  /** The subscription names a service type Ramp does not send through. */
  serviceUnsupported: 'NotificationServiceUnsupported',
  /** The ConfigMap, Secret, a trigger, template or service setting is wrong. */
  configError: 'NotificationConfigError',
} as const;

export interface NotificationWarning {
  reason: (typeof NOTIFICATION_REASONS)[keyof typeof NOTIFICATION_REASONS];
  message: string;
}
