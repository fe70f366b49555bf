/**
 * MQTT 3.1.1 packets for the load generator. CONNECT, PINGREQ and DISCONNECT come from mqtt-packet;
 * PUBLISH is assembled here around a pre-encoded topic, because in a tight loop only the payload and
 * the packet id change (the tests check it byte for byte against mqtt-packet's own encoding).
 */
import { generate } from 'mqtt-packet';

export function connectPacket(opts: {
  clientId: string;
  username?: string;
  password?: string;
  keepaliveS: number;
}): Buffer {
  return generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: opts.clientId,
    clean: true,
    keepalive: opts.keepaliveS,
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: Buffer.from(opts.password) } : {}),
  });
}

export const PINGREQ = generate({ cmd: 'pingreq' });
export const DISCONNECT = generate({ cmd: 'disconnect' });

/** [MQTT-2.2.3] Remaining length: 7 bits per byte, continuation bit 0x80, at most 4 bytes. */
function remainingLengthBytes(n: number): number[] {
  const out: number[] = [];
  let x = n;
  do {
    let byte = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) byte |= 0x80;
    out.push(byte);
  } while (x > 0);
  if (out.length > 4) throw new RangeError(`MQTT packet of ${n} bytes is too large`);
  return out;
}

/** PUBLISH packets for one topic: the topic's bytes are encoded once. */
export class PublishEncoder {
  readonly #topic: Buffer;
  readonly #qos: 0 | 1;

  constructor(topic: string, qos: 0 | 1) {
    const name = Buffer.from(topic, 'utf8');
    this.#topic = Buffer.alloc(2 + name.length);
    this.#topic.writeUInt16BE(name.length, 0); // [MQTT-1.5.3] UTF-8 string: 2-byte length prefix
    name.copy(this.#topic, 2);
    this.#qos = qos;
  }

  /** [MQTT-3.3] PUBLISH; `packetId` (1..65535) only for QoS 1. No DUP, no RETAIN. */
  encode(payload: Buffer, packetId = 0): Buffer {
    const idBytes = this.#qos === 1 ? 2 : 0;
    const remaining = this.#topic.length + idBytes + payload.length;
    const lengthBytes = remainingLengthBytes(remaining);
    const packet = Buffer.allocUnsafe(1 + lengthBytes.length + remaining);
    let at = 0;
    packet[at++] = 0x30 | (this.#qos << 1);
    for (const b of lengthBytes) packet[at++] = b;
    at += this.#topic.copy(packet, at);
    if (this.#qos === 1) at = packet.writeUInt16BE(packetId, at);
    payload.copy(packet, at);
    return packet;
  }
}
