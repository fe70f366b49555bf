/**
 * One load-generator connection: a raw TCP socket speaking MQTT 3.1.1 (mqtt.js collapses in a tight
 * publish loop). Publishes go out in batches, one socket write each; QoS 1 keeps a window of packets
 * in flight and times each one from write to PUBACK.
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type Packet, parser } from 'mqtt-packet';
import type { LatencyRecorder } from './latency.ts';
import { connectPacket, DISCONNECT, PINGREQ, PublishEncoder } from './packets.ts';

export interface LoadConnectionOptions {
  host: string;
  port: number;
  /** Source address (127.0.0.x spreading), loopback only. */
  localAddress?: string;
  clientId: string;
  username?: string;
  password?: string;
  topic: string;
  qos: 0 | 1;
  /** QoS 1: publishes awaiting their PUBACK at most. */
  window: number;
  /** The payload for a publish at this time (the time it carries). */
  payload: (timeMs: number) => Buffer;
  latency: LatencyRecorder;
  connectTimeoutMs: number;
  keepaliveS: number;
  /**
   * `unique` (default): strictly increasing times, 1 ms apart at least, so InfluxDB keeps every point
   * (beyond 1000 publishes/s on one connection they run ahead of the clock). `clock`: the clock as is,
   * exact for latency, but publishes within one millisecond then share a timestamp.
   */
  timestamps?: 'unique' | 'clock';
}

const MAX_BATCH = 64;

export class LoadConnection {
  sent = 0;
  acked = 0;
  errors = 0;
  /** How far the carried timestamps ran ahead of the clock (more than 1000 publishes/s on one connection). */
  maxAheadMs = 0;
  readonly #o: LoadConnectionOptions;
  readonly #encoder: PublishEncoder;
  readonly #sentAt = new Float64Array(65_536);
  readonly #pending = new Uint8Array(65_536);
  #inflight = 0;
  #nextId = 1;
  #lastTimeMs = 0;
  #socket: Socket | undefined;
  #blocked = false;
  #closed = false;
  #ping: NodeJS.Timeout | undefined;
  #onReady: (() => void) | undefined;
  #onIdle: (() => void) | undefined;

  constructor(opts: LoadConnectionOptions) {
    this.#o = opts;
    this.#encoder = new PublishEncoder(opts.topic, opts.qos);
  }

  get inflight(): number {
    return this.#inflight;
  }

  get open(): boolean {
    return this.#socket !== undefined && !this.#closed;
  }

  /** Connects and waits for a successful CONNACK. */
  connect(): Promise<void> {
    const o = this.#o;
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({
        host: o.host,
        port: o.port,
        ...(o.localAddress ? { localAddress: o.localAddress } : {}),
      });
      socket.setNoDelay(true);
      const timer = setTimeout(
        () => fail(new Error(`no CONNACK within ${o.connectTimeoutMs} ms`)),
        o.connectTimeoutMs,
      );
      let settled = false;
      const fail = (err: Error): void => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          socket.destroy();
          reject(new Error(`${o.clientId}: ${err.message}`, { cause: err }));
        } else this.#lost();
      };
      const mqtt = parser({ protocolVersion: 4 });
      mqtt.on('packet', (packet: Packet) => {
        if (packet.cmd === 'connack') {
          clearTimeout(timer);
          if (packet.returnCode !== 0)
            return fail(new Error(`CONNACK refused, return code ${packet.returnCode}`));
          settled = true;
          this.#socket = socket;
          this.#ping = setInterval(() => socket.write(PINGREQ), (o.keepaliveS * 1000) / 2);
          this.#ping.unref();
          resolve();
        } else if (packet.cmd === 'puback') this.#ack(packet.messageId ?? 0);
      });
      mqtt.on('error', (err: Error) => fail(err));
      socket.on('data', (chunk: Buffer) => mqtt.parse(chunk));
      socket.on('drain', () => {
        this.#blocked = false;
        this.#ready();
      });
      socket.on('error', (err) => fail(err));
      socket.on('close', () =>
        settled ? this.#lost() : fail(new Error('connection closed before CONNACK')),
      );
      socket.write(connectPacket(o));
    });
  }

  /** Whether a publish can go out now (not blocked by the socket or the QoS 1 window). */
  canSend(): boolean {
    return this.open && !this.#blocked && (this.#o.qos === 0 || this.#inflight < this.#o.window);
  }

  /** Called once when canSend() may have become true again. */
  whenReady(cb: () => void): void {
    this.#onReady = cb;
  }

  /** Sends up to `n` publishes in one socket write; returns how many went out. */
  sendBatch(n: number): number {
    if (!this.canSend()) return 0;
    const o = this.#o;
    const room = o.qos === 1 ? o.window - this.#inflight : MAX_BATCH;
    const count = Math.min(n, MAX_BATCH, room);
    if (count <= 0) return 0;
    const packets: Buffer[] = [];
    const now = Date.now();
    const stamp = performance.now();
    for (let i = 0; i < count; i++) {
      // One timestamp per publish, strictly increasing: in InfluxDB a repeated time would overwrite.
      const timeMs = o.timestamps === 'clock' ? now : Math.max(now, this.#lastTimeMs + 1);
      this.#lastTimeMs = timeMs;
      if (timeMs - now > this.maxAheadMs) this.maxAheadMs = timeMs - now;
      let id = 0;
      if (o.qos === 1) {
        id = this.#takeId();
        this.#sentAt[id] = stamp;
        this.#pending[id] = 1;
        this.#inflight++;
      }
      packets.push(this.#encoder.encode(o.payload(timeMs), id));
    }
    this.sent += count;
    if (!this.#socket!.write(count === 1 ? packets[0]! : Buffer.concat(packets))) this.#blocked = true;
    return count;
  }

  /** Waits (at most `timeoutMs`) for outstanding PUBACKs, then DISCONNECTs and closes. */
  async close(timeoutMs: number): Promise<void> {
    if (this.#inflight > 0 && this.open) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#onIdle = done;
      });
    }
    this.#onIdle = undefined;
    clearInterval(this.#ping);
    const socket = this.#socket;
    if (!socket || this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end(DISCONNECT);
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  #takeId(): number {
    // [MQTT-2.3.1-1] non-zero; skip ids still awaiting their PUBACK.
    for (;;) {
      const id = this.#nextId;
      this.#nextId = id === 65_535 ? 1 : id + 1;
      if (this.#pending[id] === 0) return id;
    }
  }

  #ack(id: number): void {
    if (this.#pending[id] !== 1) return;
    this.#pending[id] = 0;
    this.#inflight--;
    this.acked++;
    this.#o.latency.record(performance.now() - this.#sentAt[id]!);
    if (this.#inflight === 0) this.#onIdle?.();
    this.#ready();
  }

  #ready(): void {
    const cb = this.#onReady;
    if (cb && this.canSend()) {
      this.#onReady = undefined;
      cb();
    }
  }

  #lost(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.errors++;
    clearInterval(this.#ping);
    this.#socket?.destroy();
    this.#onIdle?.();
  }
}
