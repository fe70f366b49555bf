/**
 * The bench's MQTT subscriber: one raw socket, one SUBSCRIBE, counts (and optionally hands over) every
 * PUBLISH it receives. Used in-process for alert messages, and as its own process (subscriber-child.ts)
 * for the relaying references, so that counting 50,000 messages a second does not slow the generator.
 */
import { connect, type Socket } from 'node:net';
import {
  connectFrame,
  type Frame,
  FrameReader,
  pubackFrame,
  publishParts,
  subscribeFrame,
} from './mqtt-frames.ts';

export interface SubscriberOptions {
  host: string;
  port: number;
  filter: string;
  clientId: string;
  username?: string;
  password?: string;
  qos?: 0 | 1;
  /** Called for every message (topic, payload, arrival time in ms); omit to only count. */
  onMessage?(topic: string, payload: Buffer, atMs: number): void;
}

export class Subscriber {
  received = 0;
  readonly #o: SubscriberOptions;
  #socket: Socket | undefined;
  #ping: NodeJS.Timeout | undefined;

  constructor(options: SubscriberOptions) {
    this.#o = options;
  }

  /** Connects, subscribes, and resolves once the SUBACK granted the subscription. */
  start(timeoutMs = 10_000): Promise<void> {
    const o = this.#o;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: o.host, port: o.port });
      this.#socket = socket;
      socket.setNoDelay(true);
      const reader = new FrameReader();
      const timer = setTimeout(
        () => fail(new Error(`subscriber: no SUBACK within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const onFrame = (frame: Frame) => {
        if (frame.type === 3) {
          this.received++;
          if (o.onMessage || frame.flags & 0x06) {
            const { topic, payload, packetId } = publishParts(frame);
            if (packetId !== undefined) socket.write(pubackFrame(packetId));
            o.onMessage?.(topic, payload, Date.now());
          }
        } else if (frame.type === 2) {
          if (frame.body[1] !== 0) return fail(new Error(`subscriber: CONNACK return code ${frame.body[1]}`));
          socket.write(subscribeFrame(1, o.filter, o.qos ?? 0));
        } else if (frame.type === 9) {
          clearTimeout(timer);
          if (frame.body[2] === 0x80) return fail(new Error(`subscriber: SUBSCRIBE ${o.filter} refused`));
          this.#ping = setInterval(() => socket.write(Buffer.from([0xc0, 0])), 30_000);
          this.#ping.unref();
          resolve();
        }
      };
      socket.on('data', (chunk: Buffer) => reader.push(chunk, onFrame));
      socket.on('error', fail);
      socket.write(connectFrame(o.clientId, o.username, o.password));
    });
  }

  stop(): void {
    clearInterval(this.#ping);
    this.#socket?.end(Buffer.from([0xe0, 0])); // [MQTT-3.14] DISCONNECT
    this.#socket?.destroySoon();
  }
}
