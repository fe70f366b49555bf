/**
 * A JSON payload that must carry its own `time` (camera events, VMS reports): parsed and zod-checked by
 * `parseJsonPayload`, then its `time` read by `deviceTime`. Either the data with its time in ns, or the
 * reject reason of the first check that failed.
 */
import type { z } from 'zod';
import type { TimeLimits } from '../../ingest/time.ts';
import { deviceTime } from './device-time.ts';
import { parseJsonPayload } from './json-payload.ts';

export type TimedPayload<T> =
  | { ok: true; data: T; ns: bigint }
  | { ok: false; reason: 'invalid_json' | 'invalid_payload' | 'implausible_time'; error: string };

export function parseTimedPayload<T extends { time: string | number }>(
  payload: Buffer,
  schema: z.ZodType<T>,
  receivedAtMs: number,
  limits: TimeLimits,
): TimedPayload<T> {
  const parsed = parseJsonPayload(payload, schema);
  if (!parsed.ok) return parsed;
  const time = deviceTime(parsed.data.time, receivedAtMs, limits);
  if (!time.ok) return time;
  return { ok: true, data: parsed.data, ns: time.ns };
}
