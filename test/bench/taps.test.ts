import { generate, type Packet, parser } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import {
  connectFrame,
  type Frame,
  FrameReader,
  publishParts,
  subscribeFrame,
} from '../../bench/mqtt-frames.ts';
import { writtenLatencies } from '../../bench/write-tap.ts';

describe('writtenLatencies', () => {
  const prefix = Buffer.from('vessel_position,');
  const body = Buffer.from(
    [
      'vessel_position,source=nmea,vessel=TTH-90123-TS lat=16.5,lon=107.6,sog_kn=8 1700000000123000000',
      'hub,instance=bench msgs_in=5i 1700000000000000000',
      'vessel_position,source=nmea,vessel=TTH-90124-TS fix=1i,sats=9i 1700000000100456789',
      'vessel_position,vessel=x lat=1 12',
      '',
    ].join('\n'),
  );

  it('gives answer time − point time in ms for the matching lines only', () => {
    const seen: number[] = [];
    const n = writtenLatencies(body, prefix, 1_700_000_000_150, (ms) => seen.push(ms));
    expect(n).toBe(2);
    expect(seen).toEqual([27, 50]);
  });

  it('reads a body without a final newline', () => {
    const seen: number[] = [];
    writtenLatencies(
      Buffer.from('vessel_position,v=a x=1 1700000000100000000'),
      prefix,
      1_700_000_000_101,
      (ms) => seen.push(ms),
    );
    expect(seen).toEqual([1]);
  });
});

describe('FrameReader', () => {
  const publish = (topic: string, payload: string, qos: 0 | 1 = 0) =>
    generate({
      cmd: 'publish',
      topic,
      payload: Buffer.from(payload),
      qos,
      dup: false,
      retain: false,
      ...(qos ? { messageId: 513 } : {}),
    } as Packet);

  it('splits frames across arbitrary chunk boundaries, large remaining lengths included', () => {
    const big = 'x'.repeat(20_000); // a 3-byte remaining length
    const stream = Buffer.concat([
      publish('a/b', 'one'),
      publish('vessels/x/nmea', big, 1),
      publish('c', ''),
    ]);
    for (const step of [3, 7, 1000, stream.length]) {
      const reader = new FrameReader();
      const frames: Frame[] = [];
      for (let at = 0; at < stream.length; at += step)
        reader.push(stream.subarray(at, at + step), (f) => frames.push({ ...f, body: Buffer.from(f.body) }));
      expect(frames.map((f) => publishParts(f))).toEqual([
        { topic: 'a/b', payload: Buffer.from('one') },
        { topic: 'vessels/x/nmea', payload: Buffer.from(big), packetId: 513 },
        { topic: 'c', payload: Buffer.alloc(0) },
      ]);
    }
  });

  it('writes CONNECT and SUBSCRIBE that mqtt-packet reads back', () => {
    const read: Packet[] = [];
    const p = parser({ protocolVersion: 4 });
    p.on('packet', (packet: Packet) => read.push(packet));
    p.parse(connectFrame('bench-operator', 'bench-operator', 's3cret'));
    p.parse(subscribeFrame(1, 'alerts/bench/#', 0));
    expect(read[0]).toMatchObject({
      cmd: 'connect',
      clientId: 'bench-operator',
      username: 'bench-operator',
      clean: true,
      keepalive: 60,
    });
    expect(String((read[0] as { password?: Buffer }).password)).toBe('s3cret');
    expect(read[1]).toMatchObject({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: 'alerts/bench/#', qos: 0 }],
    });
  });
});
