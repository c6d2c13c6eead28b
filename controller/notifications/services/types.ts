// What a notification service is to the notifier: one send to one recipient.
import type { HttpPort } from '../../http/client.ts';
import type { Notification } from '../render.ts';
import type { SmtpPort } from './smtp.ts';

export interface NotificationService {
  send(notification: Notification, recipient: string, signal?: AbortSignal): Promise<void>;
}

export interface ServiceDeps {
  http: HttpPort;
  smtp: SmtpPort;
  /** Waits between webhook retries; tests pass one that does not wait. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Every request a service makes gets this long, as a stuck endpoint must not hold the queue. */
export const SEND_TIMEOUT_MS = 30_000;

export class ServiceConfigError extends Error {}

export function stringSetting(settings: Record<string, unknown>, key: string, service: string, required = false): string {
  const v = settings[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw new ServiceConfigError(`service ${service}: ${key} is required`);
    return '';
  }
  if (typeof v !== 'string') throw new ServiceConfigError(`service ${service}: ${key} must be a string`);
  return v;
}

export function boolSetting(settings: Record<string, unknown>, key: string, service: string): boolean {
  const v = settings[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new ServiceConfigError(`service ${service}: ${key} must be true or false`);
  return v;
}
