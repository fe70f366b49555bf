/**
 * Where an accepted PUBLISH on a data topic enters the data path: archived as evidence (vessel
 * messages), ingested, and held back while the spool is at its cap. Backpressure: QoS 1 publishes wait
 * for their PUBACK (the device keeps its message) and QoS 0 messages are refused and counted. An error
 * here would close the connection and the device would resend into a loop, so nothing errors.
 */
import type { PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import type { BrokerConfig, ClientInfo, Done } from '../broker/broker.ts';
import { routeTopic } from '../broker/topics.ts';
import { archiveReceipt, type EvidenceArchive } from '../ingest/archive.ts';
import type { DurableWriter } from '../ingest/durable.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import type { HubMetrics } from './metrics.ts';

const RETRY_MS = 100;

export interface PublishGate {
  onPublish(client: ClientInfo, packet: PublishPacket, done: Done): void;
  /** Over the client's publish rate: acknowledged, dead-lettered, not ingested. */
  onRateLimited(client: ClientInfo, packet: PublishPacket): void;
  /** Refused by the size guard before aedes buffered it: recorded without its payload. */
  onOversize(client: ClientInfo, declaredBytes: number): void;
  /** Full also when the last message did not fit in the space left, until InfluxDB takes some lines. */
  spoolFull(): boolean;
  stop(): void;
}

export function createPublishGate(deps: {
  broker: BrokerConfig;
  durable: DurableWriter;
  pipeline: IngestPipeline;
  metrics: HubMetrics;
  archive: EvidenceArchive | undefined;
  log: Logger;
  now(): number;
}): PublishGate {
  const { durable, pipeline, metrics } = deps;
  const waiting: Array<() => void> = [];
  // Without it the waiting messages would be retried (and refused) every RETRY_MS.
  let blockedAtLines = -1;
  const spoolFull = (): boolean => {
    if (durable.isFull()) return true;
    if (blockedAtLines < 0) return false;
    if (durable.stats().spoolLines < blockedAtLines) blockedAtLines = -1;
    return blockedAtLines >= 0;
  };
  const retry = setInterval(() => {
    while (waiting.length > 0 && !spoolFull()) waiting.shift()?.();
  }, RETRY_MS);

  const { maxPublishPerSecond, maxPacketBytes } = deps.broker;
  return {
    spoolFull,
    stop: () => clearInterval(retry),
    onRateLimited: (client, packet) =>
      pipeline.deadLetter(
        {
          topic: packet.topic,
          client: client.name,
          reason: 'rate_limited',
          error: `over broker.maxPublishPerSecond (${maxPublishPerSecond}/s): acknowledged, not ingested`,
          payload: packet.payload as Buffer,
        },
        deps.now(),
      ),
    onOversize: (client, bytes) => {
      deps.log.warn({ client: client.name, bytes, max: maxPacketBytes }, 'oversize packet refused');
      pipeline.deadLetter(
        {
          topic: '(unread)',
          client: client.name,
          reason: 'packet_too_large',
          error: `packet of ${bytes} bytes exceeds broker.maxPacketBytes ${maxPacketBytes}`,
        },
        deps.now(),
      );
    },
    onPublish(client, packet, done) {
      const route = routeTopic(packet.topic);
      if (!route) return done(null);
      metrics.recordMessage(route.root);
      const message = {
        topic: packet.topic,
        payload: packet.payload as Buffer,
        client: client.name,
        receivedAtMs: deps.now(),
      };
      // Vessel messages are archived as evidence at receipt; the PUBACK waits for that record too.
      const finish = archiveReceipt(deps.archive, route.source, message)(done);
      // Methods, not named arrow functions: tsx gives every named closure its name at run time, and
      // this object is made for every message.
      const steps = {
        run(): void {
          pipeline.ingest(route.source, message, (err) =>
            (err as { code?: string } | null)?.code === 'HUB_ERR_SPOOL_FULL'
              ? steps.refuseOrWait(true)
              : finish(err ?? null),
          );
        },
        // A message that does not fit in the space left waits like one that came when the spool was full.
        refuseOrWait(didNotFit = false): void {
          if (didNotFit) blockedAtLines = durable.stats().spoolLines;
          if (packet.qos !== 0) {
            waiting.push(steps.run);
            return;
          }
          metrics.refusedQos0.inc();
          finish(null);
        },
      };
      if (spoolFull()) steps.refuseOrWait();
      else steps.run();
    },
  };
}
