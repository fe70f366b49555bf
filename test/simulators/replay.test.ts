/**
 * Log replay: the shipped sample is well formed and timed, the log reader takes times from TAG blocks,
 * leading timestamps and the sentences themselves, and a replay publishes every entry in order.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAisAdapter } from '../../adapters/ais/index.ts';
import { frame, splitLines } from '../../adapters/nmea/framing.ts';
import { createNmeaAdapter } from '../../adapters/nmea/index.ts';
import type { AdapterContext } from '../../adapters/types.ts';
import { Registry } from '../../ingest/registry.ts';
import { SeriesClock } from '../../ingest/time.ts';
import { run as replayCli, SAMPLE_LOG } from '../../simulators/replay/cli.ts';
import { parseLog } from '../../simulators/replay/log.ts';
import { makeSample } from '../../simulators/replay/make-sample.ts';
import { startReplay } from '../../simulators/replay/run.ts';
import { startBroker, type TestBroker } from './aedes-broker.ts';

const sample = readFileSync(SAMPLE_LOG, 'utf8');

function ctx(receivedAtMs: number): AdapterContext {
  return {
    log: pino({ level: 'silent' }),
    registry: new Registry(),
    seriesClock: new SeriesClock(),
    // Replayed logs are historical: the hub takes them with the age check off.
    limits: { maxAgeDays: 0 },
    now: () => receivedAtMs,
  };
}

describe('the sample log', () => {
  it('is what make-sample.ts writes (regenerate it with `npx tsx simulators/replay/make-sample.ts`)', () => {
    expect(sample).toBe(makeSample());
  });

  it('holds only well-formed sentences with correct checksums, of the kinds a receiver logs', () => {
    const lines = splitLines(sample);
    expect(lines.length).toBeGreaterThan(300);
    const kinds = new Set<string>();
    for (const line of lines) {
      const f = frame(line);
      expect(f.ok, line).toBe(true);
      if (f.ok) kinds.add(f.fields[0]!);
    }
    expect(kinds).toEqual(new Set(['GPRMC', 'GPGGA', 'GPVTG', 'GPGSA', 'GPGSV', 'AIVDM', 'AIVDO']));
  });

  it('is timed by its RMC/GGA, crossing UTC midnight, with AIS type 5 fragments kept together', () => {
    const entries = parseLog(sample);
    expect(entries[0]!.timeMs).toBe(Date.parse('2024-05-16T23:58:00.000Z'));
    expect(entries.at(-1)!.timeMs).toBe(Date.parse('2024-05-17T00:01:58.000Z'));
    for (let i = 1; i < entries.length; i++)
      expect(entries[i]!.timeMs!).toBeGreaterThanOrEqual(entries[i - 1]!.timeMs!);
    const twoPart = entries.filter((e) => e.payload.startsWith('!AIVDM,2,1,'));
    expect(twoPart.length).toBeGreaterThan(0);
    for (const e of twoPart) expect(e.payload).toMatch(/^!AIVDM,2,1,.*\r\n!AIVDM,2,2,/);
  });

  it('decodes, with the age check off, into positions of the vessel and the AIS traffic around it', () => {
    const receivedAtMs = Date.now();
    const nmea = createNmeaAdapter(ctx(receivedAtMs));
    const ais = createAisAdapter(ctx(receivedAtMs));
    let positions = 0;
    const mmsis = new Set<string>();
    for (const e of parseLog(sample)) {
      const adapter = e.payload.startsWith('!') ? ais : nmea;
      const result = adapter.decode({
        topic: e.payload.startsWith('!') ? 'ais/ais-thuan-an' : 'vessels/TTH-90123-TS/nmea',
        payload: Buffer.from(e.payload),
        client: 'replay',
        receivedAtMs,
      });
      expect(result.rejects, e.payload).toEqual([]);
      positions += result.points.filter((p) => p.tags.source === 'nmea').length;
      for (const p of result.points) if (p.tags.mmsi) mmsis.add(p.tags.mmsi);
    }
    expect(positions).toBeGreaterThan(100);
    expect(mmsis.size).toBe(5); // four vessels heard, and its own transponder
  });
});

describe('parseLog', () => {
  it('takes times from a TAG block (s or ms), a leading ISO or epoch timestamp, and GGA without RMC', () => {
    const entries = parseLog(
      [
        '# a comment',
        '\\s:r003669,c:1718000000*4B\\!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26',
        '\\c:1718000001500*62\\$GPVTG,54.7,T,,M,5.5,N,10.2,K,A*08',
        '2024-06-10T06:13:25.250Z $GPVTG,54.7,T,,M,5.5,N,10.2,K,A*08',
        '1718000010.5 $GPVTG,54.7,T,,M,5.5,N,10.2,K,A*08',
        '$GPGGA,061400.00,1634.27504,N,10739.11046,E,1,09,1.2,3.4,M,,M,,*76',
        '$GPGSV,1,1,01,02,58,351,23*41',
      ].join('\n'),
    );
    expect(entries.map((e) => e.timeMs)).toEqual([
      1_718_000_000_000,
      1_718_000_001_500,
      Date.parse('2024-06-10T06:13:25.250Z'),
      1_718_000_010_500,
      Date.parse('2024-06-10T06:14:00.000Z'),
      Date.parse('2024-06-10T06:14:00.000Z'),
    ]);
    expect(entries[0]!.payload).toBe('!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26');
    expect(entries[0]!.line).toBe(2);
  });

  it('gives lines before the first timed one the first time, and an untimed log no times', () => {
    expect(
      parseLog('$GPGSV,1,1,01,02,58,351,23*41\n1718000000 $GPGSV,1,1,01,02,58,351,23*41').map(
        (e) => e.timeMs,
      ),
    ).toEqual([1_718_000_000_000, 1_718_000_000_000]);
    expect(parseLog('$GPGSV,1,1,01,02,58,351,23*41')[0]!.timeMs).toBeUndefined();
  });
});

describe('startReplay', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('publishes every entry in order, at a fixed rate, as the topic’s device', async () => {
    broker.received.length = 0;
    const text = sample.split('\r\n').slice(0, 40).join('\r\n');
    const handle = await startReplay({
      text,
      topic: 'vessels/TTH-90123-TS/nmea',
      url: broker.url,
      rate: 200,
      timing: 'rate',
    });
    const stats = await handle.done;
    const entries = parseLog(text);
    expect(stats).toMatchObject({ published: entries.length, errors: 0, entries: entries.length });
    expect(broker.received.map((m) => m.payload.toString())).toEqual(entries.map((e) => e.payload));
    expect(broker.logins.get('TTH-90123-TS')?.username).toBe('TTH-90123-TS');
    // 200 entries/s: the replay took about (n - 1) / 200 s.
    expect(stats.elapsedMs).toBeGreaterThanOrEqual(((entries.length - 1) / 200) * 1000 * 0.9);
  });

  it('follows the log’s own timing, sped up', async () => {
    broker.received.length = 0;
    // 20 s of log (10 epochs of 2 s) at speedup 40: about half a second.
    const text = sample.split('\r\n').slice(0, 38).join('\r\n');
    const entries = parseLog(text);
    const span = entries.at(-1)!.timeMs! - entries[0]!.timeMs!;
    const handle = await startReplay({ text, topic: 'ais/ais-thuan-an', url: broker.url, speedup: 40 });
    const stats = await handle.done;
    expect(stats.published).toBe(entries.length);
    expect(stats.elapsedMs).toBeGreaterThanOrEqual((span / 40) * 0.9);
    expect(stats.elapsedMs).toBeLessThan(span / 40 + 1500);
  });

  it('runs `hub sim replay sample --topic ...` and stops cleanly on its signal', async () => {
    broker.received.length = 0;
    const controller = new AbortController();
    const run = replayCli(
      ['sample', '--topic', 'vessels/TTH-90123-TS/nmea', '--url', broker.url, '--rate', '100'],
      {
        log: pino({ level: 'silent' }),
        signal: controller.signal,
        progress: null,
      },
    );
    await expect.poll(() => broker.received.length).toBeGreaterThan(5);
    controller.abort();
    await run;
    const count = broker.received.length;
    expect(count).toBeLessThan(parseLog(sample).length);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(broker.received.length).toBe(count);
  });
});
