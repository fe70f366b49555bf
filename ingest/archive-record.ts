/**
 * One record of the evidence archive (Decree 41/2026: VMS data kept ≥ 36 months, track data not
 * editable): a JSON line holding a raw vessel message as received, chained to the record before it.
 *
 *   {"seq":7,"at":"2026-03-01T08:00:00.123Z","client":"TTH-90123-TS","topic":"vessels/TTH-90123-TS/nmea",
 *    "payload":"$GPRMC,...","prev":"<hash of record 6>","hash":"<SHA-256 of this line up to ,"hash">}"}
 *
 * `hash` = SHA-256 (hex) of the exact bytes of the line without its `,"hash":"…"` member (the "body"),
 * so an edit anywhere in a record changes its hash, and a removed or reordered record breaks the next
 * record's `prev` and the `seq` sequence. A payload that is not valid UTF-8 is kept as `payload_b64`.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';

/** `prev` of the very first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Daily files, named by the UTC date of receipt: `vessels-2026-03-01.jsonl`. */
export const ARCHIVE_FILE = /^vessels-(\d{4}-\d{2}-\d{2})\.jsonl$/;

const DAY_MS = 86_400_000;
// The file of the current UTC day, kept: this is asked for every vessel message.
let today = { startMs: 0, endMs: 0, name: '' };

export function archiveFileName(receivedAtMs: number): string {
  if (receivedAtMs >= today.startMs && receivedAtMs < today.endMs) return today.name;
  const startMs = Math.floor(receivedAtMs / DAY_MS) * DAY_MS;
  const name = `vessels-${new Date(startMs).toISOString().slice(0, 10)}.jsonl`;
  today = { startMs, endMs: startMs + DAY_MS, name };
  return name;
}

export interface ArchiveMessage {
  receivedAtMs: number;
  client: string;
  topic: string;
  payload: Buffer;
}

export interface ArchiveRecord {
  seq: number;
  at: string;
  client: string;
  topic: string;
  payload?: string;
  payload_b64?: string;
  prev: string;
  hash: string;
}

const HASH_MEMBER = ',"hash":"';
const HEX64 = /^[0-9a-f]{64}$/;

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * A payload of well-formed UTF-8 (it round-trips through a string unchanged) is stored as text,
 * readable in the file; anything else as base64.
 */
function payloadMember(payload: Buffer): { payload: string } | { payload_b64: string } {
  return isUtf8(payload)
    ? { payload: payload.toString('utf8') }
    : { payload_b64: payload.toString('base64') };
}

/** The line (without '\n') and its hash for message number `seq` after the record hashed `prev`. */
export function encodeRecord(
  seq: number,
  prev: string,
  message: ArchiveMessage,
): { line: string; hash: string } {
  const body = JSON.stringify({
    seq,
    at: new Date(message.receivedAtMs).toISOString(),
    client: message.client,
    topic: message.topic,
    ...payloadMember(message.payload),
    prev,
  });
  const hash = sha256(body);
  return { line: `${body.slice(0, -1)}${HASH_MEMBER}${hash}"}`, hash };
}

export type ParsedRecord =
  | { ok: true; record: ArchiveRecord; computedHash: string }
  | { ok: false; error: string };

/** Parses one line and recomputes its hash; a record whose `hash` differs from the computed one was edited. */
export function parseRecordLine(line: string): ParsedRecord {
  const at = line.lastIndexOf(HASH_MEMBER);
  if (at < 0) return { ok: false, error: 'no "hash" member' };
  const claimed = line.slice(at + HASH_MEMBER.length, at + HASH_MEMBER.length + 64);
  if (!HEX64.test(claimed) || line.slice(at + HASH_MEMBER.length + 64) !== '"}')
    return { ok: false, error: 'malformed "hash" member' };
  const body = `${line.slice(0, at)}}`;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(body) as Record<string, unknown>;
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  const { seq, at: time, client, topic, payload, payload_b64, prev } = raw;
  if (!Number.isSafeInteger(seq) || (seq as number) < 1) return { ok: false, error: 'bad "seq"' };
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) return { ok: false, error: 'bad "at"' };
  if (typeof client !== 'string' || typeof topic !== 'string')
    return { ok: false, error: 'bad "client" or "topic"' };
  if (typeof payload !== 'string' && typeof payload_b64 !== 'string')
    return { ok: false, error: 'no payload' };
  if (typeof prev !== 'string' || !HEX64.test(prev)) return { ok: false, error: 'bad "prev"' };
  const record: ArchiveRecord = { seq: seq as number, at: time, client, topic, prev, hash: claimed };
  if (typeof payload === 'string') record.payload = payload;
  if (typeof payload_b64 === 'string') record.payload_b64 = payload_b64;
  return { ok: true, record, computedHash: sha256(body) };
}

/** The message bytes as received. */
export function recordPayload(record: ArchiveRecord): Buffer {
  return record.payload !== undefined
    ? Buffer.from(record.payload, 'utf8')
    : Buffer.from(record.payload_b64 ?? '', 'base64');
}
