/**
 * A bare aedes broker on a free loopback port for the simulator tests, recording every client's
 * credentials and every publish (the full hub is the lead's integration tests' business).
 */
import { type AddressInfo, createServer, type Server } from 'node:net';
import mqtt from 'mqtt';

export interface Received {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  client: string;
  /** Receipt time on the broker, ms. */
  atMs: number;
}

export interface TestBroker {
  url: string;
  port: number;
  received: Received[];
  /** clientId → { username, password } of each CONNECT. */
  logins: Map<string, { username?: string; password?: string }>;
  /** Retained messages as the broker holds them (a later empty payload clears one). */
  retained(topic: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

export async function startBroker(): Promise<TestBroker> {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const received: Received[] = [];
  const logins: TestBroker['logins'] = new Map();
  broker.authenticate = (client, username, password, done) => {
    logins.set(client.id, {
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password: password.toString() } : {}),
    });
    done(null, true);
  };
  broker.on('publish', (packet, client) => {
    if (!client) return; // the broker's own $SYS messages
    received.push({
      topic: packet.topic,
      payload: Buffer.from(packet.payload),
      qos: packet.qos,
      retain: packet.retain,
      client: client.id,
      atMs: Date.now(),
    });
  });
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    received,
    logins,
    retained: async (topic) => {
      // What a new subscriber gets: the retained message, if any, arrives right after SUBACK.
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `probe-${Date.now()}` });
      let found: Buffer | undefined;
      client.on('message', (t, payload, packet) => {
        if (t === topic && packet.retain) found = payload;
      });
      await client.subscribeAsync(topic, { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.endAsync();
      return found;
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
