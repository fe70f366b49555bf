/**
 * The leader's view of the other hubs' traffic: it subscribes, through the shared emitter, to the data
 * topics of DESIGN.md and decodes what other hubs' clients published — for alert evaluation only. Those
 * hubs validate, spool and write their own points, so nothing here is stored: a separate adapter set
 * (its own NMEA epochs, AIS fragments and series clock) and VN_AQI enricher turn the message into the
 * same points the origin hub accepted, and they go to the alert engine. Messages of this hub's own
 * clients are skipped: they reach the engine through the ingest pipeline already.
 */
import type { Aedes, AedesPublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { createAdapters } from '../adapters/index.ts';
import { routeTopic } from '../broker/topics.ts';
import { pushMerged } from '../ingest/merge-points.ts';
import type { Point } from '../ingest/point.ts';
import type { Registry } from '../ingest/registry.ts';
import { validatePoint } from '../ingest/schema.ts';
import { SeriesClock } from '../ingest/time.ts';
import { AqiEnricher } from '../ingest/vn-aqi-enricher.ts';
import type { LeaderDuty } from './leadership.ts';
import { within } from './redis.ts';

/** Every data topic of DESIGN.md "Topics (device → hub)" (routeTopic's families). */
export const DATA_FILTERS = [
  'vessels/+/nmea',
  'vessels/+/vms',
  'ais/+',
  'stations/+/readings',
  'cameras/+/events',
  'frigate/events',
] as const;

const AIS_EXPIRY_MS = 1_000;
const UNSUBSCRIBE_WAIT_MS = 1_000;

export interface RemoteFeedOptions {
  aedes: Pick<Aedes, 'id' | 'subscribe' | 'unsubscribe'>;
  registry: Registry;
  log: Logger;
  now: () => number;
  maxAgeDays: number;
  stationFieldAliases: Record<string, string>;
  /** The alert engine's entry (the same one the local ingest feeds). */
  onPoints(points: Point[], receivedAtMs: number): void;
}

export interface RemoteFeedStats {
  messages: number;
  points: number;
  /** Messages or points the origin hub dead-lettered too (not recorded here: the origin did). */
  refused: number;
}

export class RemoteFeed implements LeaderDuty {
  readonly name = 'remote-feed';
  readonly #o: RemoteFeedOptions;
  #decoder: ReturnType<typeof createAdapters> | undefined;
  #aqi = new AqiEnricher({});
  #expiry: NodeJS.Timeout | undefined;
  #subscribed = false;
  readonly stats: RemoteFeedStats = { messages: 0, points: 0, refused: 0 };

  constructor(options: RemoteFeedOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    if (this.#subscribed) return;
    const { registry, log, now, maxAgeDays, stationFieldAliases } = this.#o;
    // Fresh decoder state per term: what a previous term half-assembled is stale.
    this.#decoder = createAdapters(
      { log, registry, seriesClock: new SeriesClock(), limits: { maxAgeDays }, now },
      { stationFieldAliases },
    );
    this.#aqi = new AqiEnricher({});
    this.#expiry = setInterval(() => this.#decoder?.expireAisFragments(now()), AIS_EXPIRY_MS);
    this.#expiry.unref();
    await Promise.all(
      DATA_FILTERS.map((f) => new Promise<void>((r) => this.#o.aedes.subscribe(f, this.#deliver, r))),
    );
    this.#subscribed = true;
  }

  async stop(): Promise<void> {
    if (!this.#subscribed) return;
    this.#subscribed = false;
    clearInterval(this.#expiry);
    // The handler leaves at once; Redis confirms the unsubscribe later (or never, while it is down).
    await within(
      Promise.all(
        DATA_FILTERS.map((f) => new Promise<void>((r) => this.#o.aedes.unsubscribe(f, this.#deliver, r))),
      ),
      UNSUBSCRIBE_WAIT_MS,
    );
    this.#decoder = undefined;
  }

  /** Hot path: one message from the shared emitter. Never throws (a decoder that throws is counted). */
  readonly #deliver = (packet: AedesPublishPacket, done: () => void): void => {
    try {
      if (packet.brokerId !== this.#o.aedes.id) this.#decode(packet);
    } catch (err) {
      this.stats.refused++;
      this.#o.log.debug({ err, topic: packet.topic }, 'cluster: remote message not decoded');
    }
    done();
  };

  #decode(packet: AedesPublishPacket): void {
    const route = routeTopic(packet.topic);
    const adapter = route && this.#decoder?.bySource[route.source];
    if (!adapter) return;
    this.stats.messages++;
    const receivedAtMs = this.#o.now();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const result = adapter.decode({
      topic: packet.topic,
      payload,
      client: (packet as { clientId?: string }).clientId ?? '(remote)',
      receivedAtMs,
    });
    if (result.rejects.length) this.stats.refused++;
    const points: Point[] = [];
    for (const candidate of result.points) {
      if (validatePoint(candidate)) {
        this.stats.refused++;
        continue;
      }
      for (const point of this.#aqi.enrich(candidate)) pushMerged(points, point);
    }
    if (points.length === 0) return;
    this.stats.points += points.length;
    this.#o.onPoints(points, receivedAtMs);
  }
}
