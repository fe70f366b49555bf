/**
 * JSON payload → zod-checked value, or the reject reason: `invalid_json` when it does not parse,
 * `invalid_payload` (with the path of every bad key) when it is not the expected shape.
 * Shared by the stations, camera and VMS adapters.
 */
import type { z } from 'zod';

export type ParsedPayload<T> =
  | { ok: true; json: unknown; data: T }
  | { ok: false; reason: 'invalid_json' | 'invalid_payload'; error: string };

/** One readable line from zod's issues, each with the path of the bad key (`values.pm25: expected number`). */
export function describeIssues(error: z.ZodError, maxIssues = 3): string {
  const parts = error.issues.slice(0, maxIssues).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : 'payload';
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length - maxIssues;
  return more > 0 ? `${parts.join('; ')} (and ${more} more)` : parts.join('; ');
}

export function parseJsonPayload<T>(payload: Buffer, schema: z.ZodType<T>): ParsedPayload<T> {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'invalid_json', error: `payload is not JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'invalid_payload', error: describeIssues(parsed.error) };
  return { ok: true, json, data: parsed.data };
}
