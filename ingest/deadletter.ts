/**
 * Dead letters (DESIGN.md): every message, or part of one, that could not be accepted becomes a
 * `deadletter` point (reason tag; topic, client, error, truncated payload) and a JSON message on
 * `hub/deadletter/{client}` that the device may subscribe to.
 */
import type { Point } from './point.ts';
import { type SeriesClock, seriesKey } from './time.ts';

export const DEADLETTER_PAYLOAD_MAX_CHARS = 512;

export interface DeadLetter {
  topic: string;
  client: string;
  reason: string;
  error: string;
  /** The offending bytes or text; omitted for refused oversize packets. */
  payload?: Buffer | string;
}

/** Printable text as is; binary as `base64:` so the record stays readable and one line long. */
export function describePayload(payload: Buffer | string | undefined): string {
  if (payload === undefined) return '';
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  const printable = /^[\x20-\x7e\t\r\n\u00a0-\uffff]*$/.test(text) && !text.includes('\ufffd');
  const shown = printable
    ? text
    : `base64:${(typeof payload === 'string' ? Buffer.from(payload) : payload).toString('base64')}`;
  return shown.length > DEADLETTER_PAYLOAD_MAX_CHARS
    ? `${shown.slice(0, DEADLETTER_PAYLOAD_MAX_CHARS)}…(${shown.length} chars)`
    : shown;
}

export function deadLetterPoint(dl: DeadLetter, receivedAtMs: number, clock: SeriesClock): Point {
  const tags = { reason: dl.reason };
  return {
    measurement: 'deadletter',
    tags,
    fields: {
      topic: dl.topic || '(none)',
      client: dl.client || '(unknown)',
      error: dl.error,
      payload: describePayload(dl.payload),
    },
    time: clock.uniqueMs(seriesKey('deadletter', tags), receivedAtMs),
  };
}

export function deadLetterTopic(client: string): string {
  return `hub/deadletter/${client.replace(/[/+#]/g, '_') || '_unknown'}`;
}

export function deadLetterMessage(dl: DeadLetter): string {
  return JSON.stringify({ topic: dl.topic, client: dl.client, reason: dl.reason, error: dl.error });
}
