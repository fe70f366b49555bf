/**
 * The contract between the broker-side ingest and the source adapters.
 *
 * A message adapter decodes one MQTT message into points; it is pure apart from the per-source state
 * it keeps (a vessel's current NMEA epoch, AIS fragments), so tests feed it messages without sockets and
 * the simulators reuse its encoders. Bad input is returned as `rejects`, never thrown.
 */
import type { Logger } from 'pino';
import type { Point } from '../ingest/point.ts';
import type { Registry } from '../ingest/registry.ts';
import type { SeriesClock, TimeLimits } from '../ingest/time.ts';

export interface InboundMessage {
  topic: string;
  payload: Buffer;
  /** MQTT client id of the publisher (or the adapter's own id for polled sources). */
  client: string;
  /** Receipt time on the hub's clock, ms since the epoch. */
  receivedAtMs: number;
}

/** Something that could not be accepted: it becomes a `deadletter` point and a `hub/deadletter/{client}` message. */
export interface Reject {
  /** Short snake_case reason code, the `reason` tag (`bad_checksum`, `implausible_time`, ...). */
  reason: string;
  /** A clear, human-readable error. */
  error: string;
  /** The offending part of the payload (one sentence of several), when narrower than the whole message. */
  raw?: string;
}

export interface DecodeResult {
  points: Point[];
  rejects: Reject[];
  /** Well-formed input the hub does not use (GSV, AIS type 8, RMC status V...), counted by `kind`. */
  skipped: Record<string, number>;
}

export interface AdapterContext {
  log: Logger;
  registry: Registry;
  /** Unique receipt-time timestamps per series. */
  seriesClock: SeriesClock;
  limits: TimeLimits;
  /** Current time in ms (injected so tests control it). */
  now(): number;
}

export interface MessageAdapter {
  /** Stable id, used in metrics and logs (`nmea`, `ais`, `vms`, `stations`, `camera`, `frigate`). */
  readonly id: string;
  decode(message: InboundMessage): DecodeResult;
}

/** A source the hub drives itself (the Modbus poller): start/stop, emits points through `emit`. */
export interface ServiceAdapter {
  readonly id: string;
  start(): Promise<void>;
  /** Idempotent; once it resolves nothing more is emitted. */
  stop(): Promise<void>;
}

export function emptyResult(): DecodeResult {
  return { points: [], rejects: [], skipped: {} };
}

export function countSkip(result: DecodeResult, kind: string): void {
  result.skipped[kind] = (result.skipped[kind] ?? 0) + 1;
}
