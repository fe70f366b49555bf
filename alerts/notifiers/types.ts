/** A notifier delivers one notification; it throws to be retried (AlertsError `permanent`: dropped). */
import type { Notification } from '../payload.ts';

export interface Notifier {
  /** Unique: `mqtt`, `{department}/webhook#{i}`, or the configured name. */
  readonly key: string;
  readonly kind: 'mqtt' | 'webhook' | 'email';
  send(notification: Notification): Promise<void>;
  close?(): Promise<void>;
}

export type PublishFn = (
  topic: string,
  payload: string | Buffer,
  opts: { qos: 0 | 1; retain: boolean },
) => Promise<void>;
