import { describe, expect, it } from 'vitest';
import { OrderedAcks } from '../../broker/ordered-acks.ts';
import { PacketSizeScanner } from '../../broker/packet-guard.ts';

// PUBLISH fixed header (0x30) with the remaining length encoded as in MQTT 3.1.1 §2.2.3.
function header(remaining: number): number[] {
  const bytes = [0x30];
  let x = remaining;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    bytes.push(b);
  } while (x > 0);
  return bytes;
}

describe('PacketSizeScanner', () => {
  it('passes packets under the limit, across chunk boundaries', () => {
    const scanner = new PacketSizeScanner(1000);
    const packet = Buffer.from([...header(500), ...new Array(500).fill(1)]);
    expect(scanner.feed(packet.subarray(0, 2))).toBe(-1);
    expect(scanner.feed(packet.subarray(2, 300))).toBe(-1);
    expect(scanner.feed(Buffer.concat([packet.subarray(300), packet]))).toBe(-1);
  });

  it('reports an oversize packet from its header alone', () => {
    const scanner = new PacketSizeScanner(256 * 1024);
    expect(scanner.feed(Buffer.from(header(50 * 1024 * 1024)))).toBe(50 * 1024 * 1024 + 5);
  });

  it('finds an oversize packet after a normal one in the same chunk', () => {
    const scanner = new PacketSizeScanner(100);
    const chunk = Buffer.from([...header(10), ...new Array(10).fill(0), ...header(200)]);
    expect(scanner.feed(chunk)).toBe(203);
  });

  it('treats a five-byte remaining length as malformed', () => {
    const scanner = new PacketSizeScanner(1_000_000_000);
    expect(scanner.feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBeGreaterThan(1_000_000_000);
  });
});

describe('OrderedAcks', () => {
  it('completes in arrival order even when later publishes finish first', () => {
    const acks = new OrderedAcks();
    const order: number[] = [];
    const first = acks.reserve(() => order.push(1));
    const second = acks.reserve(() => order.push(2));
    const third = acks.reserve(() => order.push(3));
    third();
    second();
    expect(order).toEqual([]);
    first();
    expect(order).toEqual([1, 2, 3]);
    expect(acks.pending).toBe(0);
  });
});
