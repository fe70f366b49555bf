/**
 * Refuses an MQTT packet larger than `maxPacketBytes` before aedes buffers it: aedes 1.2 has no such
 * limit (its parser accumulates a whole packet). We watch the bytes aedes reads from the socket, decode
 * each packet's fixed header (MQTT 3.1.1 §2.2.3: remaining length, 1–4 bytes of 7 bits) and close the
 * socket as soon as a declared length exceeds the limit, so at most one read chunk is ever held.
 */
import type { Socket } from 'node:net';

export interface GuardEvents {
  /** Called once when the guard closes the socket. */
  oversize(declaredBytes: number): void;
}

enum State {
  Header,
  Length,
  Body,
}

/** Incremental scanner of MQTT packet boundaries; `feed` returns the first oversize length seen, or -1. */
export class PacketSizeScanner {
  #state = State.Header;
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #remaining = 0;

  constructor(private readonly maxPacketBytes: number) {}

  feed(chunk: Uint8Array): number {
    let i = 0;
    while (i < chunk.length) {
      switch (this.#state) {
        case State.Header:
          i++;
          this.#state = State.Length;
          this.#length = 0;
          this.#multiplier = 1;
          this.#lengthBytes = 0;
          break;
        case State.Length: {
          const byte = chunk[i++] as number;
          this.#length += (byte & 0x7f) * this.#multiplier;
          this.#multiplier *= 128;
          this.#lengthBytes++;
          if (byte & 0x80) {
            // [MQTT-2.2.3] at most four bytes; a fifth is malformed: treat as oversize.
            if (this.#lengthBytes >= 4) return Number.MAX_SAFE_INTEGER;
            break;
          }
          const total = 1 + this.#lengthBytes + this.#length;
          if (total > this.maxPacketBytes) return total;
          this.#remaining = this.#length;
          this.#state = this.#remaining === 0 ? State.Header : State.Body;
          break;
        }
        case State.Body: {
          const take = Math.min(this.#remaining, chunk.length - i);
          i += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = State.Header;
          break;
        }
      }
    }
    return -1;
  }
}

/**
 * Wraps `socket.read` (aedes pulls with `conn.read(null)` on 'readable'), so every byte aedes gets has
 * passed the scanner first. An oversize packet destroys the socket and hands aedes nothing.
 */
export function guardPacketSize(socket: Socket, maxPacketBytes: number, events: GuardEvents): void {
  const scanner = new PacketSizeScanner(maxPacketBytes);
  const read = socket.read.bind(socket);
  let refused = false;
  socket.read = (size?: number) => {
    if (refused) return null;
    const chunk = read(size) as Buffer | null;
    if (chunk === null) return null;
    const oversize = scanner.feed(chunk);
    if (oversize >= 0) {
      refused = true;
      events.oversize(oversize);
      socket.destroy();
      return null;
    }
    return chunk;
  };
}
