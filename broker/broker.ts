/**
 * The embedded aedes broker: TCP and WebSocket listeners, per-device authentication, the topic ACL, and
 * the hand-off of every accepted PUBLISH to the hub's data path before its PUBACK leaves.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { z } from 'zod';
import type { BrokerConfigSchema } from '../config/schema.ts';
import type { HubMetrics } from '../hub/metrics.ts';
import type { Device, Registry } from '../ingest/registry.ts';
import { mayPublish, maySubscribe } from './acl.ts';
import { authenticateDevice } from './auth.ts';
import { OrderedAcks } from './ordered-acks.ts';
import { guardPacketSize } from './packet-guard.ts';

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
}

export interface RunningBroker {
  aedes: Aedes;
  mqttPort: number;
  wsPort: number | null;
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
}): Promise<RunningBroker> {
  const { config, registry, log, metrics, hooks } = opts;
  const deniedLogged = new Set<string>();

  const aedes = await Aedes.createBroker({
    id: config.instance,
    connectTimeout: config.connectTimeoutMs,
    drainTimeout: config.drainTimeoutMs,
    heartbeatInterval: 60_000,
    maxClientsIdLength: 128,
    concurrency: 1000,
    queueLimit: 100,
  });

  aedes.authenticate = (client, username, password, callback) => {
    const result = authenticateDevice(registry, config.allowAnonymous, username, password);
    if (!result.ok) {
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
      const key = `${info.name}\u0000${packet.topic}`;
      if (!deniedLogged.has(key) && deniedLogged.size < 10_000) {
        deniedLogged.add(key);
        log.warn(
          { client: info.name, topic: packet.topic },
          'publish denied by ACL (acknowledged and dropped)',
        );
      }
      hooks.onDenied?.(info, packet.topic);
      // Acknowledge and drop, as Mosquitto does: an error here would close the connection and a QoS 1
      // device would resend forever.
      packet.topic = DROP_TOPIC;
      packet.retain = false;
      packet.payload = Buffer.alloc(0);
      done(null);
      return;
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
    callback(null, sub);
  };

  aedes.on('client', () => metrics.clients.set(aedes.connectedClients));
  aedes.on('clientDisconnect', () => metrics.clients.set(aedes.connectedClients));
  aedes.on('connectionError', (client, err) => log.debug({ err, client: client?.id }, 'connection error'));
  aedes.on('clientError', (client, err) => log.debug({ err, client: client?.id }, 'client error'));

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

  const tcp: Server = createServer(handleSocket);
  const mqttPort = await listen(tcp, config.port, config.host);
  log.info({ service: 'mqtt', host: config.host, port: mqttPort }, 'listening');

  let wsServer: WebSocketServer | null = null;
  let httpServer: HttpServer | null = null;
  let wsPort: number | null = null;
  if (config.wsPort >= 0) {
    httpServer = createHttpServer();
    wsServer = new WebSocketServer({ server: httpServer, maxPayload: config.maxPacketBytes });
    wsServer.on('connection', (ws, req) => {
      const stream = createWebSocketStream(ws);
      (stream as unknown as { remoteAddress?: string }).remoteAddress = req.socket.remoteAddress;
      req.socket.setNoDelay(true);
      aedes.handle(stream);
    });
    wsPort = await listen(httpServer, config.wsPort, config.host);
    log.info({ service: 'mqtt-ws', host: config.host, port: wsPort }, 'listening');
  }

  const stopListening = async () => {
    await Promise.all([
      closeServer(tcp),
      wsServer ? new Promise<void>((r) => wsServer?.close(() => r())) : Promise.resolve(),
      httpServer ? closeServer(httpServer) : Promise.resolve(),
    ]);
  };

  return {
    aedes,
    mqttPort,
    wsPort,
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
    stopListening,
    close: async () => {
      tcp.close();
      for (const socket of wsServer?.clients ?? []) socket.terminate();
      await new Promise<void>((r) => aedes.close(() => r()));
      await stopListening().catch(() => {});
    },
  };
}

function listen(server: Server | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}
