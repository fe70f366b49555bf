/**
 * The embedded aedes broker: per-device authentication (secret or client certificate), the topic ACL,
 * the limits (publish rate, subscriptions; connections and packet size before aedes reads), and the
 * hand-off of every accepted PUBLISH to the hub's data path before its PUBACK leaves. The listeners
 * (TCP, TLS, WebSocket, secure WebSocket) are in listeners.ts.
 */
import type { Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { BrokerConfigSchema } from '../config/schema.ts';
import type { HubMetrics } from '../hub/metrics.ts';
import type { Device, Registry } from '../ingest/registry.ts';
import { mayPublish, maySubscribe } from './acl.ts';
import { authenticateCertificate, authenticateDevice } from './auth.ts';
import { BrokerMetrics, errorKind } from './broker-metrics.ts';
import { ConnectionGate, PublishRateLimiter, SubscriptionLimiter } from './limits.ts';
import { startListeners } from './listeners.ts';
import { OrderedAcks } from './ordered-acks.ts';
import { guardPacketSize } from './packet-guard.ts';
import { attachedIdentity } from './tls.ts';

export type BrokerConfig = z.infer<typeof BrokerConfigSchema>;
export type Done = (err?: Error | null) => void;

/** Where denied publishes go: `$` topics match no wildcard subscription [MQTT-4.7.2-1], and none may subscribe. */
const DROP_TOPIC = '$hub/dropped';

export interface ClientInfo {
  /** Device id when authenticated, else the MQTT client id. */
  name: string;
  device: Device | undefined;
  remote: string;
}

export interface BrokerHooks {
  /** A permitted PUBLISH from a client; call `done` once it is durable (that releases the PUBACK). */
  onPublish(client: ClientInfo, packet: PublishPacket, done: Done): void;
  /** A packet refused by the size guard (its payload was never read). */
  onOversize(client: ClientInfo, declaredBytes: number): void;
  /** A publish refused by the ACL (acknowledged and dropped). */
  onDenied?(client: ClientInfo, topic: string): void;
  /** A publish over `broker.maxPublishPerSecond` (acknowledged and dropped): dead-letter it. */
  onRateLimited?(client: ClientInfo, packet: PublishPacket): void;
}

export interface RunningBroker {
  aedes: Aedes;
  mqttPort: number;
  wsPort: number | null;
  /** MQTT over TLS, when `broker.tls` is set. */
  tlsPort: number | null;
  wssPort: number | null;
  publish(topic: string, payload: string | Buffer, opts?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  clientCount(): number;
  /** Stops accepting connections (the first step of a graceful shutdown). */
  stopListening(): Promise<void>;
  close(): Promise<void>;
}

const INFO = Symbol('hub.clientInfo');
const ACKS = Symbol('hub.orderedAcks');
type HubClient = Client & { [INFO]?: ClientInfo; [ACKS]?: OrderedAcks };

function infoOf(client: HubClient): ClientInfo {
  let info = client[INFO];
  if (!info) {
    const conn = client.conn as Partial<Socket> | undefined;
    info = {
      name: client.id,
      device: undefined,
      remote: `${conn?.remoteAddress ?? '?'}:${conn?.remotePort ?? '?'}`,
    };
    client[INFO] = info;
  }
  return info;
}

export async function startBroker(opts: {
  config: BrokerConfig;
  registry: Registry;
  log: Logger;
  metrics: HubMetrics;
  hooks: BrokerHooks;
  /** Relative TLS file paths resolve against this folder (the config file's). */
  baseDir?: string;
  now?: () => number;
  /** Cluster mode (cluster/hub-cluster.ts): the Redis-backed emitter and persistence. */
  backends?: { mq: unknown; persistence: unknown };
}): Promise<RunningBroker> {
  const { config, registry, log, metrics, hooks } = opts;
  const now = opts.now ?? Date.now;
  const deniedLogged = new Set<string>();
  /** Denials and limits are logged once per client and topic (or limit), not per message. */
  const logOnce = (key: string, emit: () => void) => {
    if (deniedLogged.has(key) || deniedLogged.size >= 10_000) return;
    deniedLogged.add(key);
    emit();
  };
  const brokerMetrics = new BrokerMetrics(metrics.registry);
  const rate = new PublishRateLimiter(config.maxPublishPerSecond, config.publishBurst);
  const subscriptions = new SubscriptionLimiter(config.maxSubscriptionsPerClient);
  const gate = new ConnectionGate(config.maxConnections);

  const aedes = await Aedes.createBroker({
    id: config.instance,
    connectTimeout: config.connectTimeoutMs,
    drainTimeout: config.drainTimeoutMs,
    heartbeatInterval: 60_000,
    maxClientsIdLength: 128,
    concurrency: 1000,
    queueLimit: 100,
    ...opts.backends,
  });

  aedes.authenticate = (client, username, password, callback) => {
    const peer = attachedIdentity(client.conn);
    const result = peer.presented
      ? authenticateCertificate(registry, peer, username)
      : authenticateDevice(registry, config.allowAnonymous, username, password);
    if (!result.ok) {
      if (peer.presented)
        log.warn({ cn: peer.cn, error: peer.error, reason: result.reason }, 'client certificate refused');
      metrics.authFailures.inc({ reason: result.reason });
      const err = new Error(`authentication refused: ${result.reason}`) as AuthenticateError;
      // CONNACK return code 4: bad user name or password; 5: not authorized [MQTT-3.2.2.3]
      err.returnCode = result.reason === 'anonymous_refused' ? 5 : 4;
      callback(err, false);
      return;
    }
    const info = infoOf(client as HubClient);
    info.device = result.device;
    info.name = result.device?.id ?? client.id;
    callback(null, true);
  };

  aedes.authorizePublish = (client, packet, callback) => {
    if (!client) return callback(null); // a stale will published by aedes itself
    const hubClient = client as HubClient;
    const info = infoOf(hubClient);
    let acks = hubClient[ACKS];
    if (!acks) {
      acks = new OrderedAcks();
      hubClient[ACKS] = acks;
    }
    const done = acks.reserve(callback);
    if (!mayPublish(info.device, packet.topic)) {
      metrics.denied.inc({ action: 'publish' });
      logOnce(`${info.name}\u0000${packet.topic}`, () =>
        log.warn(
          { client: info.name, topic: packet.topic },
          'publish denied by ACL (acknowledged and dropped)',
        ),
      );
      hooks.onDenied?.(info, packet.topic);
      return drop(packet, done);
    }
    const decision = rate.check(info.name, now());
    if (decision !== 'ok') {
      brokerMetrics.rateLimited.inc({ recorded: decision === 'limited' ? 'yes' : 'no' });
      logOnce(`${info.name}\u0000rate`, () =>
        log.warn(
          { client: info.name, maxPublishPerSecond: config.maxPublishPerSecond },
          'client over its publish rate: excess dead-lettered and dropped',
        ),
      );
      if (decision === 'limited') hooks.onRateLimited?.(info, { ...packet });
      return drop(packet, done);
    }
    hooks.onPublish(info, packet, done);
  };

  aedes.authorizeSubscribe = (client, sub: Subscription, callback) => {
    const info = infoOf(client as HubClient);
    if (!maySubscribe(info.device, sub.topic)) {
      metrics.denied.inc({ action: 'subscribe' });
      log.warn({ client: info.name, filter: sub.topic }, 'subscription denied by ACL');
      callback(null, null); // SUBACK 0x80 for this filter [MQTT-3.9.3]
      return;
    }
    if (!subscriptions.tryAdd(client, sub.topic)) {
      brokerMetrics.subscriptionsRefused.inc();
      logOnce(`${info.name}\u0000subs`, () =>
        log.warn(
          { client: info.name, max: config.maxSubscriptionsPerClient },
          'subscription refused: client holds broker.maxSubscriptionsPerClient',
        ),
      );
      callback(null, null);
      return;
    }
    callback(null, sub);
  };

  aedes.on('unsubscribe', (filters, client) => subscriptions.remove(client, filters));
  aedes.on('client', () => metrics.clients.set(aedes.connectedClients));
  aedes.on('clientDisconnect', () => metrics.clients.set(aedes.connectedClients));
  const onConnError = (client: Client | undefined, err: Error) => {
    brokerMetrics.protocolErrors.inc({ kind: errorKind(err) });
    log.debug({ err, client: client?.id }, 'connection closed on error');
  };
  aedes.on('connectionError', onConnError);
  aedes.on('clientError', onConnError);

  const handleSocket = (socket: Socket) => {
    socket.setNoDelay(true); // Nagle would add ~40 ms to every QoS 1 round trip
    guardPacketSize(socket, config.maxPacketBytes, {
      oversize: (bytes) => {
        const info: ClientInfo = {
          name: `${socket.remoteAddress}:${socket.remotePort}`,
          device: undefined,
          remote: '',
        };
        const clients = (aedes as unknown as { clients: Record<string, HubClient> }).clients;
        for (const client of Object.values(clients)) {
          if (client.conn === socket) Object.assign(info, infoOf(client));
        }
        hooks.onOversize(info, bytes);
      },
    });
    aedes.handle(socket);
  };

  const listeners = await startListeners({
    config,
    baseDir: opts.baseDir ?? process.cwd(),
    log,
    gate,
    refused: (reason) => brokerMetrics.connectionsRefused.inc({ reason }),
    handleSocket,
    handleStream: (stream) => aedes.handle(stream),
  });

  return {
    aedes,
    mqttPort: listeners.mqttPort,
    wsPort: listeners.wsPort,
    tlsPort: listeners.tlsPort,
    wssPort: listeners.wssPort,
    publish: (topic, payload, o = {}) =>
      new Promise((resolve, reject) => {
        aedes.publish(
          {
            cmd: 'publish',
            topic,
            payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
            qos: o.qos ?? 0,
            retain: o.retain ?? false,
            dup: false,
          },
          (err?: Error) => (err ? reject(err) : resolve()),
        );
      }),
    clientCount: () => aedes.connectedClients,
    stopListening: listeners.stopListening,
    close: async () => {
      const stopped = listeners.stopListening().catch(() => {});
      listeners.terminateWebSockets();
      await new Promise<void>((r) => aedes.close(() => r()));
      await stopped;
    },
  };
}

/**
 * Acknowledge and drop, as Mosquitto does: an error from authorizePublish would close the connection
 * and a QoS 1 device would resend for ever. The rewritten topic reaches no subscriber.
 */
function drop(packet: PublishPacket, done: Done): void {
  packet.topic = DROP_TOPIC;
  packet.retain = false;
  packet.payload = Buffer.alloc(0);
  done(null);
}
