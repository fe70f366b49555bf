/**
 * A raw MQTT 3.1.1 client over a TCP socket for the reliability and fuzz tests: it publishes QoS 1 with a
 * window of packets in flight and tells exactly which packet ids were acknowledged (mqtt.js hides that and
 * collapses in a tight loop), and it can stop reading (a slow consumer) or send arbitrary bytes.
 */
import { connect, type Socket } from 'node:net';
import { generate, type Packet, parser } from 'mqtt-packet';

export interface RawOptions {
  clientId: string;
  username?: string;
  password?: string;
  keepaliveS?: number;
}

export class RawMqtt {
  readonly socket: Socket;
  /** Incoming packets other than PUBACK/CONNACK/SUBACK (e.g. PUBLISH to a subscriber). */
  readonly received: Packet[] = [];
  closed = false;
  #nextId = 1;
  #inflight = new Map<number, () => void>();
  #waiters: Array<{ cmd: string; resolve: (p: Packet) => void }> = [];
  #keep: boolean;

  private constructor(socket: Socket, keepPublishes: boolean) {
    this.socket = socket;
    this.#keep = keepPublishes;
    const p = parser({ protocolVersion: 4 });
    p.on('packet', (packet: Packet) => this.#onPacket(packet));
    p.on('error', () => socket.destroy());
    socket.on('data', (chunk) => p.parse(chunk));
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {});
  }

  /** Connects and waits for CONNACK; rejects with the return code when refused. */
  static async connect(port: number, opts: RawOptions, keepPublishes = false): Promise<RawMqtt> {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawMqtt(socket, keepPublishes);
    const connack = client.#wait('connack');
    socket.write(
      generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clientId: opts.clientId,
        clean: true,
        keepalive: opts.keepaliveS ?? 60,
        ...(opts.username !== undefined ? { username: opts.username } : {}),
        ...(opts.password !== undefined ? { password: Buffer.from(opts.password) } : {}),
      }),
    );
    const ack = (await withTimeout(connack, 5000, 'CONNACK')) as Packet & { returnCode?: number };
    if (ack.returnCode) {
      socket.destroy();
      throw new Error(`connection refused: return code ${ack.returnCode}`);
    }
    return client;
  }

  /** Sends one PUBLISH; QoS 1 resolves on its PUBACK (never, if the hub withholds it). */
  publish(topic: string, payload: Buffer | string, qos: 0 | 1 = 1): Promise<void> {
    const messageId = qos === 1 ? this.#allocateId() : undefined;
    const packet = generate({
      cmd: 'publish',
      topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      qos,
      retain: false,
      dup: false,
      ...(messageId !== undefined ? { messageId } : {}),
    });
    this.socket.write(packet);
    if (messageId === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#inflight.set(messageId, resolve));
  }

  /** Subscribes and returns the SUBACK's granted codes (0x80 = refused). */
  async subscribe(filters: string[]): Promise<number[]> {
    const suback = this.#wait('suback');
    this.socket.write(
      generate({
        cmd: 'subscribe',
        messageId: this.#allocateId(),
        subscriptions: filters.map((topic) => ({ topic, qos: 0 as const })),
      }),
    );
    return ((await withTimeout(suback, 5000, 'SUBACK')) as Packet & { granted: number[] }).granted;
  }

  get inflight(): number {
    return this.#inflight.size;
  }

  /** Resolves when the socket is closed (by either side), or false after `ms`. */
  closedWithin(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end(generate({ cmd: 'disconnect' }));
  }

  destroy(): void {
    this.socket.destroy();
  }

  #allocateId(): number {
    for (;;) {
      const id = this.#nextId;
      this.#nextId = (this.#nextId % 65_535) + 1;
      if (!this.#inflight.has(id)) return id;
    }
  }

  #wait(cmd: string): Promise<Packet> {
    return new Promise((resolve) => this.#waiters.push({ cmd, resolve }));
  }

  #onPacket(packet: Packet): void {
    if (packet.cmd === 'puback') {
      const id = (packet as Packet & { messageId: number }).messageId;
      const done = this.#inflight.get(id);
      this.#inflight.delete(id);
      done?.();
      return;
    }
    const i = this.#waiters.findIndex((w) => w.cmd === packet.cmd);
    if (i >= 0) {
      const [waiter] = this.#waiters.splice(i, 1);
      waiter?.resolve(packet);
      return;
    }
    if (this.#keep) this.received.push(packet);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Publishes `count` QoS 1 messages keeping `window` in flight; returns the indexes acknowledged. */
export async function publishWindowed(
  client: RawMqtt,
  count: number,
  message: (i: number) => { topic: string; payload: string | Buffer },
  opts: { window?: number; acked?: (i: number) => void; stop?: () => boolean } = {},
): Promise<number> {
  const window = opts.window ?? 64;
  let next = 0;
  let acked = 0;
  await new Promise<void>((resolve) => {
    let active = 0;
    const pump = () => {
      while (active < window && next < count && !client.closed && !opts.stop?.()) {
        const i = next++;
        const { topic, payload } = message(i);
        active++;
        void client.publish(topic, payload, 1).then(() => {
          active--;
          acked++;
          opts.acked?.(i);
          pump();
        });
      }
      if (active === 0 && (next >= count || client.closed || opts.stop?.())) resolve();
    };
    client.socket.once('close', () => resolve());
    pump();
  });
  return acked;
}
