/**
 * The ingest path of one message: decode (adapter) → validate (schema) → enrich (VN_AQI) → durable
 * spool append → on commit: the publisher's callback (its PUBACK), dead-letter notices, and the live
 * stream (alerts, latest state). Nothing here throws on bad input; every refusal is a dead letter.
 */
import type { Logger } from 'pino';
import type { DecodeResult, InboundMessage, MessageAdapter } from '../adapters/types.ts';
import type { DataSource } from '../broker/topics.ts';
import type { HubMetrics } from '../hub/metrics.ts';
import { type DeadLetter, deadLetterMessage, deadLetterPoint, deadLetterTopic } from './deadletter.ts';
import { toLineProtocol } from './line-protocol.ts';
import { LiveQueue } from './live-queue.ts';
import { pushMerged } from './merge-points.ts';
import type { Point } from './point.ts';
import { validatePoint } from './schema.ts';
import type { SeriesClock } from './time.ts';

/** The durable side (ingest/durable.ts) as the pipeline sees it. */
export interface DurableSink {
  append(lines: readonly string[], done: (err: Error | null) => void): void;
  isFull(): boolean;
}

export interface PipelineDeps {
  adapters: Partial<Record<DataSource, MessageAdapter>>;
  durable: DurableSink;
  metrics: HubMetrics;
  seriesClock: SeriesClock;
  log: Logger;
  /** Enrichment of accepted points (VN_AQI); returns the point(s) to store instead. */
  enrich?: (point: Point) => Point[];
  /** Sends a hub message (dead-letter notices) through the broker. */
  publish(topic: string, payload: string): void;
  /** The live stream: accepted points, after they are durable. */
  onAccepted?(points: Point[], receivedAtMs: number): void;
}

export type Done = (err?: Error | null) => void;

export class IngestPipeline {
  readonly #live: LiveQueue | undefined;

  constructor(private readonly deps: PipelineDeps) {
    const consume = deps.onAccepted?.bind(deps);
    this.#live = consume ? new LiveQueue(consume, deps.log) : undefined;
  }

  /** Accepted batches not yet handed to the live stream. */
  get liveBacklog(): number {
    return this.#live?.length ?? 0;
  }

  /** Decodes and stores one data message; `done` once it is durable (or refused with a record). */
  ingest(source: DataSource, message: InboundMessage, done: Done): void {
    const { deps } = this;
    const adapter = deps.adapters[source];
    let result: DecodeResult;
    if (!adapter) {
      result = {
        points: [],
        rejects: [{ reason: 'no_adapter', error: `no adapter for ${source}` }],
        skipped: {},
      };
    } else {
      try {
        result = adapter.decode(message);
      } catch (err) {
        // A decoder must return rejects, not throw; if one does, the message is still recorded.
        deps.log.error({ err, source, topic: message.topic }, 'decoder threw');
        result = {
          points: [],
          rejects: [{ reason: 'decoder_error', error: (err as Error).message }],
          skipped: {},
        };
      }
    }
    for (const kind in result.skipped) deps.metrics.skipped.inc({ source, kind }, result.skipped[kind]);
    const deadLetters: DeadLetter[] = result.rejects.map((r) => ({
      topic: message.topic,
      client: message.client,
      reason: r.reason,
      error: r.error,
      payload: r.raw ?? message.payload,
    }));
    this.#store(result.points, deadLetters, message.receivedAtMs, done, message);
  }

  /** The hub's own points (self-metrics, alerts, fleet state, device info, Modbus polls). */
  writeInternal(points: Point[], opts: { live?: boolean; receivedAtMs?: number } = {}, done?: Done): void {
    const receivedAtMs = opts.receivedAtMs ?? Date.now();
    this.#store(points, [], receivedAtMs, done ?? noop, undefined, opts.live ?? false);
  }

  /** Records a refusal that has no message to decode (oversize packet, rate limit, ACL). */
  deadLetter(dl: DeadLetter, receivedAtMs: number, done: Done = noop): void {
    this.#store([], [dl], receivedAtMs, done);
  }

  #store(
    candidates: Point[],
    deadLetters: DeadLetter[],
    receivedAtMs: number,
    done: Done,
    message?: InboundMessage,
    live = true,
  ): void {
    const { deps } = this;
    const accepted: Point[] = [];
    const lines: string[] = [];
    for (const candidate of candidates) {
      const problem = validatePoint(candidate);
      if (problem) {
        deadLetters.push({
          topic: message?.topic ?? `(${candidate.measurement})`,
          client: message?.client ?? 'hub',
          reason: 'invalid_point',
          error: problem,
          payload: message?.payload,
        });
        continue;
      }
      const enriched = deps.enrich ? deps.enrich(candidate) : [candidate];
      for (const point of enriched) pushMerged(accepted, point);
    }
    for (const point of accepted) lines.push(toLineProtocol(point));
    for (const dl of deadLetters) {
      lines.push(toLineProtocol(deadLetterPoint(dl, receivedAtMs, deps.seriesClock)));
    }
    if (lines.length === 0) {
      done(null);
      return;
    }
    deps.durable.append(lines, (err) => {
      if (err) {
        // A full spool is backpressure, not a fault: the hub retries the message once there is room.
        if ((err as { code?: string }).code === 'HUB_ERR_SPOOL_FULL') deps.log.debug({ err }, 'spool full');
        else deps.log.error({ err }, 'spool append failed');
        done(err);
        return;
      }
      // Counted once durable, so a message retried after backpressure is counted once.
      for (const point of accepted) deps.metrics.recordAccepted(point.measurement);
      for (const dl of deadLetters) deps.metrics.recordDeadLetter(dl.reason);
      done(null);
      for (const dl of deadLetters) {
        if (dl.client && dl.client !== 'hub') deps.publish(deadLetterTopic(dl.client), deadLetterMessage(dl));
      }
      if (live && accepted.length > 0) this.#live?.push(accepted, receivedAtMs);
    });
  }
}

function noop(): void {}
