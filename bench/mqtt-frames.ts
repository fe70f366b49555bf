/**
 * A minimal MQTT 3.1.1 frame reader and the few packets the bench's subscriber sends. The relaying
 * references deliver tens of thousands of messages a second: the subscriber must cost little, so it
 * splits frames by hand ([MQTT-2.2] fixed header + remaining length) and decodes only what it needs.
 */

export interface Frame {
  /** [MQTT-2.2.1] control packet type: 2 CONNACK, 3 PUBLISH, 9 SUBACK, 13 PINGRESP. */
  type: number;
  flags: number;
  body: Buffer;
}

export class FrameReader {
  #buf: Buffer = Buffer.alloc(0);

  /** Appends bytes; calls `onFrame` for every complete frame, in order. */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    let buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    let at = 0;
    for (;;) {
      if (buf.length - at < 2) break;
      // [MQTT-2.2.3] remaining length: 7 bits per byte, continuation bit 0x80, at most 4 bytes.
      let length = 0;
      let multiplier = 1;
      let i = at + 1;
      let complete = false;
      for (let n = 0; n < 4 && i < buf.length; n++, i++) {
        const byte = buf[i]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          i++;
          break;
        }
      }
      if (!complete) {
        if (i - at - 1 >= 4) throw new RangeError('MQTT remaining length longer than 4 bytes');
        break;
      }
      if (buf.length - i < length) break;
      const first = buf[at]!;
      onFrame({ type: first >> 4, flags: first & 0x0f, body: buf.subarray(i, i + length) });
      at = i + length;
    }
    buf = at === buf.length ? Buffer.alloc(0) : buf.subarray(at);
    // Keep a copy of a partial frame only: the chunk itself may be reused by the socket.
    this.#buf = buf.length > 0 ? Buffer.from(buf) : buf;
  }
}

/** Topic and payload of a PUBLISH body ([MQTT-3.3.2]: topic, packet id when QoS > 0, payload). */
export function publishParts(frame: Frame): { topic: string; payload: Buffer; packetId?: number } {
  const topicLength = frame.body.readUInt16BE(0);
  const topic = frame.body.toString('utf8', 2, 2 + topicLength);
  const qos = (frame.flags >> 1) & 3;
  let at = 2 + topicLength;
  let packetId: number | undefined;
  if (qos > 0) {
    packetId = frame.body.readUInt16BE(at);
    at += 2;
  }
  return { topic, payload: frame.body.subarray(at), ...(packetId !== undefined ? { packetId } : {}) };
}

function withLength(first: number, body: Buffer): Buffer {
  const length: number[] = [];
  let x = body.length;
  do {
    let byte = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) byte |= 0x80;
    length.push(byte);
  } while (x > 0);
  return Buffer.concat([Buffer.from([first, ...length]), body]);
}

function utf8(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

/** [MQTT-3.1] CONNECT, protocol level 4, clean session, keepalive 60 s, optional username/password. */
export function connectFrame(clientId: string, username?: string, password?: string): Buffer {
  let flags = 0x02;
  if (username !== undefined) flags |= 0x80;
  if (password !== undefined) flags |= 0x40;
  const parts = [utf8('MQTT'), Buffer.from([4, flags, 0, 60]), utf8(clientId)];
  if (username !== undefined) parts.push(utf8(username));
  if (password !== undefined) parts.push(utf8(password));
  return withLength(0x10, Buffer.concat(parts));
}

/** [MQTT-3.8] SUBSCRIBE (fixed header flags 0b0010) of one filter. */
export function subscribeFrame(packetId: number, filter: string, qos: 0 | 1): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId, 0);
  return withLength(0x82, Buffer.concat([id, utf8(filter), Buffer.from([qos])]));
}

/** [MQTT-3.4] PUBACK. */
export function pubackFrame(packetId: number): Buffer {
  return Buffer.from([0x40, 2, packetId >> 8, packetId & 0xff]);
}
