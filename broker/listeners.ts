/**
 * The broker's listeners: MQTT over TCP, over TLS, over WebSocket and secure WebSocket. Every raw socket
 * passes the connection gate first (`broker.maxConnections`), before any TLS handshake or HTTP upgrade.
 */
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { BrokerConfig } from './broker.ts';
import type { ConnectionGate } from './limits.ts';
import { attachIdentity, identityOf, tlsServerOptions } from './tls.ts';

export interface ListenerDeps {
  config: BrokerConfig;
  baseDir: string;
  log: Logger;
  gate: ConnectionGate;
  /** A socket refused by the gate (already destroyed). */
  refused(reason: 'max_connections'): void;
  /** A TCP or TLS socket, ready for aedes. */
  handleSocket(socket: Socket): void;
  /** A WebSocket stream, ready for aedes. */
  handleStream(stream: Duplex): void;
}

export interface Listeners {
  mqttPort: number;
  wsPort: number | null;
  tlsPort: number | null;
  wssPort: number | null;
  stopListening(): Promise<void>;
  /** Closes WebSocket clients (aedes.close() ends the TCP and TLS ones). */
  terminateWebSockets(): void;
}

export async function startListeners(deps: ListenerDeps): Promise<Listeners> {
  const { config, log } = deps;
  const servers: Array<Server | HttpServer> = [];
  const wsServers: WebSocketServer[] = [];

  const admit = (socket: Socket): boolean => {
    if (deps.gate.admit(socket)) return true;
    socket.destroy();
    deps.refused('max_connections');
    return false;
  };
  // TLS and HTTP servers: the raw socket, before the handshake or the upgrade.
  const gated = (server: Server | HttpServer) => server.on('connection', admit);

  const tcp = createServer((socket) => {
    if (admit(socket)) deps.handleSocket(socket);
  });
  servers.push(tcp);
  const mqttPort = await listen(tcp, config.port, config.host);
  log.info({ service: 'mqtt', host: config.host, port: mqttPort }, 'listening');

  const webSocketOn = (server: HttpServer, secure: boolean) => {
    const wss = new WebSocketServer({ server, maxPayload: config.maxPacketBytes });
    wss.on('connection', (ws, req: IncomingMessage) => {
      const stream = createWebSocketStream(ws);
      (stream as unknown as { remoteAddress?: string }).remoteAddress = req.socket.remoteAddress;
      req.socket.setNoDelay(true);
      if (secure) attachIdentity(stream, identityOf(req.socket as TLSSocket));
      deps.handleStream(stream);
    });
    wsServers.push(wss);
  };

  let wsPort: number | null = null;
  if (config.wsPort >= 0) {
    const http = createHttpServer();
    gated(http);
    servers.push(http);
    webSocketOn(http, false);
    wsPort = await listen(http, config.wsPort, config.host);
    log.info({ service: 'mqtt-ws', host: config.host, port: wsPort }, 'listening');
  }

  let tlsPort: number | null = null;
  let wssPort: number | null = null;
  if (config.tls) {
    const options = tlsServerOptions(config.tls, deps.baseDir);
    const tls = createTlsServer(options, (socket) => {
      attachIdentity(socket, identityOf(socket));
      deps.handleSocket(socket);
    });
    tls.on('tlsClientError', (err) => log.debug({ err }, 'TLS handshake failed'));
    gated(tls);
    servers.push(tls);
    tlsPort = await listen(tls, config.tls.port, config.host);
    log.info({ service: 'mqtts', host: config.host, port: tlsPort }, 'listening');
    if (config.tls.wssPort >= 0) {
      const https = createHttpsServer(options);
      gated(https);
      servers.push(https);
      webSocketOn(https, true);
      wssPort = await listen(https, config.tls.wssPort, config.host);
      log.info({ service: 'mqtt-wss', host: config.host, port: wssPort }, 'listening');
    }
  }

  return {
    mqttPort,
    wsPort,
    tlsPort,
    wssPort,
    stopListening: async () => {
      await Promise.all([
        ...wsServers.map((w) => new Promise<void>((r) => w.close(() => r()))),
        ...servers.map(closeServer),
      ]);
    },
    terminateWebSockets: () => {
      for (const w of wsServers) for (const socket of w.clients) socket.terminate();
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

/** Stops accepting at once; open MQTT connections are ended by aedes.close(), not waited for here. */
function closeServer(server: Server | HttpServer): Promise<void> {
  if (server.listening) server.close();
  if ('closeAllConnections' in server) server.closeAllConnections();
  return Promise.resolve();
}
