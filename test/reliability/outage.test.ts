/**
 * Outage at scale: InfluxDB is down while 100,000 points arrive at a real hub process (ten vessels, five
 * RMC fixes per message, QoS 1, in four rounds); the spool takes them on disk while the hub's memory stays
 * bounded (RSS sampled, and the process runs in a 64 MB V8 heap: a backlog kept in memory would kill it), and every one of them is in
 * InfluxDB once the server returns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRmc } from '../../adapters/nmea/encode.ts';
import { eventually } from '../helpers/hub.ts';
import { countPoints, type PrivateInfluxd, privateInfluxd, uniqueDatabase } from '../helpers/influxd.ts';
import { childConfig, type HubProcess, sampler, startHubProcess, writeConfig } from './hub-process.ts';
import { publishWindowed, RawMqtt } from './raw-mqtt.ts';

const VESSELS = 10;
const MESSAGES_PER_VESSEL = 2000;
const ROUNDS = 4;
const HEAP_MB = 64;
const FIXES_PER_MESSAGE = 5;
const POINTS = VESSELS * MESSAGES_PER_VESSEL * FIXES_PER_MESSAGE;
const MB = 1024 * 1024;

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Pre-encoded payloads, so the publishers measure the hub and not the encoder. */
function payloads(vessel: number, base: number): string[] {
  const out: string[] = [];
  for (let m = 0; m < MESSAGES_PER_VESSEL; m++) {
    const lines: string[] = [];
    for (let f = 0; f < FIXES_PER_MESSAGE; f++) {
      const n = m * FIXES_PER_MESSAGE + f;
      lines.push(
        encodeRmc({
          timeMs: base + n * 1000,
          lat: 16.6 + vessel * 0.01,
          lon: 107.7 + n * 1e-5,
          sogKn: 6,
          cogDeg: 90,
        }),
      );
    }
    out.push(lines.join('\r\n'));
  }
  return out;
}

interface Health {
  components: {
    spool: { lines?: number; spoolLines?: number; spoolBytes?: number; bytes?: number };
    influxdb: { ok: boolean };
  };
}

async function health(hub: HubProcess): Promise<Health> {
  return (await (await fetch(`http://127.0.0.1:${hub.httpPort}/health`)).json()) as Health;
}

describe('InfluxDB outage at scale', () => {
  it(`spools ${POINTS} points on disk with bounded memory and writes all of them afterwards`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-outage-'));
    const influxd: PrivateInfluxd = await privateInfluxd();
    cleanups.push(async () => {
      await influxd.dispose();
      rmSync(dir, { recursive: true, force: true });
    });
    const database = uniqueDatabase('outage');
    const config = childConfig(dir, influxd.url, database, { broker: { maxPublishPerSecond: 0 } });
    // A small heap: a hub that kept its backlog in memory would die of it here.
    const hub = await startHubProcess(writeConfig(dir, config), {
      nodeArgs: [`--max-old-space-size=${HEAP_MB}`],
    });
    cleanups.push(() => hub.kill('SIGKILL'));

    const base = Math.floor(Date.now() / 1000) * 1000 - 4 * 3600_000; // 10,000 s of fixes per vessel
    const messages = Array.from({ length: VESSELS }, (_, v) => payloads(v, base));
    await influxd.stop();
    const rssBefore = hub.rss();
    const rss = sampler(() => hub.rss(), 100);
    const started = performance.now();
    const clients = await Promise.all(
      messages.map((_, v) =>
        RawMqtt.connect(hub.mqttPort, { clientId: `TTH-96${String(v).padStart(3, '0')}-TS` }),
      ),
    );
    const perRound = MESSAGES_PER_VESSEL / ROUNDS;
    const peakAfterRound: number[] = [];
    let acked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const counts = await Promise.all(
        clients.map((client, v) => {
          const id = `TTH-96${String(v).padStart(3, '0')}-TS`;
          const list = messages[v] as string[];
          return publishWindowed(
            client,
            perRound,
            (i) => ({ topic: `vessels/${id}/nmea`, payload: list[round * perRound + i] as string }),
            { window: 64 },
          );
        }),
      );
      acked += counts.reduce((a, b) => a + b, 0);
      peakAfterRound.push(rss.max());
    }
    for (const client of clients) client.end();
    const publishMs = performance.now() - started;
    expect(acked).toBe(VESSELS * MESSAGES_PER_VESSEL);

    const during = await health(hub);
    expect(during.components.influxdb.ok).toBe(false);
    const spooled = during.components.spool.lines ?? during.components.spool.spoolLines ?? 0;
    expect(spooled).toBeGreaterThanOrEqual(POINTS);
    const peakDuringOutage = rss.max();

    await influxd.start();
    const written = await eventually(
      async () => ((await countPoints(influxd.url, database, 'vessel_position')) >= POINTS ? POINTS : 0),
      45_000,
      250,
    );
    const samples = rss.stop();
    expect(written).toBe(POINTS);
    expect(await countPoints(influxd.url, database, 'vessel_position')).toBe(POINTS);

    const mb = (bytes: number) => Math.round(bytes / MB);
    console.info(
      `outage: ${POINTS} points in ${Math.round(publishMs)} ms (${Math.round((POINTS / publishMs) * 1000)} points/s), spool ${spooled} lines; RSS ${mb(rssBefore)} MB before, peak after each round ${peakAfterRound.map(mb).join(' → ')} MB, ${mb(peakDuringOutage)} MB during the outage, ${mb(Math.max(...samples))} MB overall`,
    );
    // Bounded: the backlog lives on disk, not in the heap; the hub ran the whole outage in a 64 MB heap.
    expect(hub.child.exitCode).toBeNull();
    // Once warm (after the first round), three more rounds quadruple the spool but barely move the peak.
    expect(((peakAfterRound.at(-1) as number) - (peakAfterRound[0] as number)) / MB).toBeLessThan(30);
    expect(Math.max(...samples) / MB).toBeLessThan(300);
  });
});
