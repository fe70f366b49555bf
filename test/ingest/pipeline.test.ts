/**
 * The ingest pipeline between the adapters and the spool: the RMC and GGA of one fix leave as one point
 * and one line (InfluxDB would merge them: same series, same time), other points stay apart, and a bad
 * point is dead-lettered without spoiling the rest. The spool is an in-memory sink recording the lines.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAdapters } from '../../adapters/index.ts';
import { encodeGga, encodeRmc, encodeVtg } from '../../adapters/nmea/encode.ts';
import { HubMetrics } from '../../hub/metrics.ts';
import { IngestPipeline } from '../../ingest/pipeline.ts';
import type { Point } from '../../ingest/point.ts';
import { Registry } from '../../ingest/registry.ts';
import { SeriesClock } from '../../ingest/time.ts';

const NOW = Date.parse('2026-11-25T08:00:00.500Z');
const FIX = { timeMs: NOW - 500, lat: 16.62, lon: 107.71 };

function pipelineWithSink() {
  const log = pino({ level: 'silent' });
  const seriesClock = new SeriesClock();
  const ctx = { log, registry: new Registry([]), seriesClock, limits: { maxAgeDays: 30 }, now: () => NOW };
  const lines: string[] = [];
  const live: Point[] = [];
  const pipeline = new IngestPipeline({
    adapters: createAdapters(ctx).bySource,
    durable: {
      append: (batch, done) => {
        lines.push(...batch);
        done(null);
      },
      isFull: () => false,
    },
    metrics: new HubMetrics(),
    seriesClock,
    log,
    publish: () => {},
    onAccepted: (points) => live.push(...points),
  });
  const ingest = (text: string) =>
    new Promise<void>((resolve, reject) =>
      pipeline.ingest(
        'nmea',
        {
          topic: 'vessels/TTH-90123-TS/nmea',
          payload: Buffer.from(text),
          client: 'TTH-90123-TS',
          receivedAtMs: NOW,
        },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  return { ingest, lines, live };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('ingest pipeline', () => {
  it('stores the RMC, GGA and VTG of one fix as one point with all their fields', async () => {
    const { ingest, lines, live } = pipelineWithSink();
    const rmc = encodeRmc({ ...FIX, sogKn: 6.4, cogDeg: 92 });
    const gga = encodeGga({ ...FIX, fix: 1, sats: 9, hdop: 0.9, altitudeM: 2 });
    const vtg = encodeVtg({ sogKn: 6.5, cogDeg: 93 });
    await ingest(`${rmc}\r\n${gga}\r\n${vtg}\r\n`);
    await settle();
    const positions = lines.filter((l) => l.startsWith('vessel_position,'));
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatch(
      / cog_deg=93,fix=1i,hdop=0\.9,lat=16\.62,lon=107\.71,.*sats=9i,sog_kn=6\.5 /,
    );
    expect(live).toHaveLength(1);
    expect(live[0]?.fields).toMatchObject({ lat: 16.62, lon: 107.71, sats: 9, sog_kn: 6.5, cog_deg: 93 });
  });

  it('keeps fixes of different times apart, and dead-letters a bad sentence without losing the others', async () => {
    const { ingest, lines, live } = pipelineWithSink();
    const first = encodeRmc({ ...FIX, sogKn: 6, cogDeg: 90 });
    const second = encodeRmc({ ...FIX, timeMs: FIX.timeMs + 1000, lat: 16.63, sogKn: 6, cogDeg: 90 });
    const broken = `${encodeGga({ ...FIX, fix: 1 }).slice(0, -2)}00`;
    await ingest(`${first}\n${broken}\n${second}\n`);
    await settle();
    expect(lines.filter((l) => l.startsWith('vessel_position,'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('deadletter,'))).toHaveLength(1);
    expect(live.map((p) => p.fields.lat)).toEqual([16.62, 16.63]);
  });
});
