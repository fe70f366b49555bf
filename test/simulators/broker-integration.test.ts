/**
 * The MQTT simulators against a real (bare aedes) broker on a free port: who connects with which
 * credentials, what lands on which topic, and that the hub's decoders accept all of it. The fleet's
 * tracks, as received, are continuous at the speedup they ran with; timestamps are never in the future.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAisAdapter } from '../../adapters/ais/index.ts';
import { createCameraAdapter, createFrigateAdapter } from '../../adapters/camera/index.ts';
import { createNmeaAdapter } from '../../adapters/nmea/index.ts';
import { createStationsAdapter } from '../../adapters/stations/index.ts';
import type { AdapterContext, MessageAdapter } from '../../adapters/types.ts';
import { createVmsAdapter } from '../../adapters/vms/index.ts';
import type { Point } from '../../ingest/point.ts';
import { Registry } from '../../ingest/registry.ts';
import { SeriesClock } from '../../ingest/time.ts';
import { startCameras } from '../../simulators/cameras/run.ts';
import { lastLocalHourMs } from '../../simulators/common/daily.ts';
import { distanceM, KN_TO_MPS } from '../../simulators/common/geo.ts';
import { run as fleetCli } from '../../simulators/fleet/cli.ts';
import { startFleet } from '../../simulators/fleet/run.ts';
import { fleetRegistry } from '../../simulators/fleet/vessels.ts';
import { stationRegistry } from '../../simulators/stations/config.ts';
import { startStations } from '../../simulators/stations/run.ts';
import { type Received, startBroker, type TestBroker } from './aedes-broker.ts';

function context(registry: Registry): AdapterContext {
  return {
    log: pino({ level: 'silent' }),
    registry,
    seriesClock: new SeriesClock(),
    limits: { maxAgeDays: 7 },
    now: () => Date.now(),
  };
}

function decodeAll(adapter: MessageAdapter, messages: Received[]): Point[] {
  const points: Point[] = [];
  for (const m of messages) {
    const r = adapter.decode({ topic: m.topic, payload: m.payload, client: m.client, receivedAtMs: m.atMs });
    expect(r.rejects, `${m.topic}: ${m.payload}`).toEqual([]);
    points.push(...r.points);
  }
  return points;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nsToMs = (ns: bigint) => Number(ns / 1_000_000n);

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.close();
});

describe('fleet simulator', () => {
  const SPEEDUP = 600; // 1 s real = 10 min simulated
  const plan = { vessels: 6, seed: 3, silent: 1, drift: 1, sos: 1, aisShare: 1, vmsShare: 1 };
  const registry = new Registry(fleetRegistry(plan));
  let received: Received[] = [];
  let stoppedAt = 0;
  let published = 0;
  let vessels: string[] = [];
  let silentId = '';
  let sosId = '';

  beforeAll(async () => {
    broker.received.length = 0;
    const handle = await startFleet({
      ...plan,
      url: broker.url,
      speedup: SPEEDUP,
      secrets: { 'ais-thuan-an': 'receiver-secret' },
      password: 'fleet-secret',
      silentAfterMs: 10 * 60_000,
      sosAfterMs: 10 * 60_000,
      vmsIntervalMs: 2 * 60_000,
      minReportIntervalMs: 100,
    });
    vessels = handle.vessels.map((v) => v.id);
    silentId = handle.vessels.find((v) => v.scenario === 'silent')!.id;
    sosId = handle.vessels.find((v) => v.scenario === 'sos')!.id;
    await sleep(3000);
    await handle.stop();
    stoppedAt = Date.now();
    published = handle.stats().published;
    await sleep(300);
    received = [...broker.received];
  });

  it('connects each vessel as itself and the AIS receiver as the gateway, with their passwords', () => {
    for (const id of vessels)
      expect(broker.logins.get(id)).toEqual({ username: id, password: 'fleet-secret' });
    expect(broker.logins.get('ais-thuan-an')).toEqual({
      username: 'ais-thuan-an',
      password: 'receiver-secret',
    });
    expect(
      received.filter((m) => m.topic.startsWith('vessels/')).every((m) => m.topic.split('/')[1] === m.client),
    ).toBe(true);
  });

  it('publishes what it counts, and nothing after stop()', () => {
    expect(received.length).toBe(published);
    expect(received.every((m) => m.atMs <= stoppedAt)).toBe(true);
  });

  it('sends NMEA and VMS from every vessel and AIS through the receiver, all accepted by the decoders', () => {
    const topics = new Set(received.map((m) => m.topic));
    for (const id of vessels) {
      expect(topics).toContain(`vessels/${id}/nmea`);
      expect(topics).toContain(`vessels/${id}/vms`);
    }
    expect(topics).toContain('ais/ais-thuan-an');
    decodeAll(
      createVmsAdapter(context(registry)),
      received.filter((m) => m.topic.endsWith('/vms')),
    );
    const ais = decodeAll(
      createAisAdapter(context(registry)),
      received.filter((m) => m.topic.startsWith('ais/')),
    );
    expect(ais.some((p) => p.measurement === 'vessel_static')).toBe(true);
    // Heard vessels are named by the registry's MMSI map, not mmsi:{n}.
    for (const p of ais) expect(vessels).toContain(p.tags.vessel);
  });

  it('stamps every message with the real clock: never ahead of its receipt', () => {
    const nmea = createNmeaAdapter(context(registry));
    for (const m of received.filter((x) => x.topic.endsWith('/nmea'))) {
      for (const p of decodeAll(nmea, [m])) {
        expect(nsToMs(p.time)).toBeLessThanOrEqual(m.atMs);
        expect(m.atMs - nsToMs(p.time)).toBeLessThan(1000);
      }
    }
  });

  it('draws continuous tracks: no jump beyond the vessel’s speed × elapsed time × speedup', () => {
    const nmea = createNmeaAdapter(context(registry));
    const tracks = new Map<string, Array<{ t: number; lat: number; lon: number }>>();
    for (const m of received.filter((x) => x.topic.endsWith('/nmea'))) {
      const fix = decodeAll(nmea, [m]).find((p) => p.fields.lat !== undefined)!;
      const list = tracks.get(m.client) ?? [];
      list.push({ t: nsToMs(fix.time), lat: fix.fields.lat as number, lon: fix.fields.lon as number });
      tracks.set(m.client, list);
    }
    let steps = 0;
    for (const track of tracks.values()) {
      for (let i = 1; i < track.length; i++) {
        const a = track[i - 1]!;
        const b = track[i]!;
        expect(b.t).toBeGreaterThan(a.t);
        const allowedM = 10 * KN_TO_MPS * ((b.t - a.t) / 1000) * SPEEDUP;
        expect(distanceM(a, b)).toBeLessThanOrEqual(allowedM + 2); // NMEA rounds to ~2 cm
        steps++;
      }
    }
    expect(steps).toBeGreaterThan(vessels.length * 5);
  });

  it('silences the silent vessel for good, while the others keep reporting', () => {
    const lastFrom = (id: string) => Math.max(...received.filter((m) => m.client === id).map((m) => m.atMs));
    // 10 min simulated = 1 s real: nothing from it in the last ~1.5 s of the run.
    expect(stoppedAt - lastFrom(silentId)).toBeGreaterThan(1500);
    for (const id of vessels.filter((v) => v !== silentId))
      expect(stoppedAt - lastFrom(id)).toBeLessThan(1000);
  });

  it('raises the SOS in the VMS reports of the SOS vessel only', () => {
    const vms = received
      .filter((m) => m.topic.endsWith('/vms'))
      .map((m) => ({ id: m.client, report: JSON.parse(m.payload.toString()) }));
    expect(vms.some((x) => x.id === sosId && x.report.sos === true)).toBe(true);
    expect(vms.filter((x) => x.report.sos === true).every((x) => x.id === sosId)).toBe(true);
    const seqs = vms.filter((x) => x.id === sosId).map((x) => x.report.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
  });

  it('runs from its command line until its signal, and prints the registry', async () => {
    let out = '';
    await fleetCli(['--vessels', '3', '--print-registry'], {
      log: pino({ level: 'silent' }),
      stdout: (t) => {
        out += t;
      },
    });
    expect(out).toMatch(/entries:\n\s+- id: TTH-9\d{4}-TS\n\s+kind: vessel/);
    broker.received.length = 0;
    const controller = new AbortController();
    const run = fleetCli(
      ['--url', broker.url, '--vessels', '2', '--speedup', '60', '--nmea-interval', '30s'],
      {
        log: pino({ level: 'silent' }),
        signal: controller.signal,
        progress: null,
      },
    );
    await expect.poll(() => broker.received.length, { timeout: 5000 }).toBeGreaterThan(2);
    controller.abort();
    await run;
  });
});

describe('camera simulator', () => {
  it('publishes generic and Frigate events the camera adapters accept, and Frigate’s availability', async () => {
    broker.received.length = 0;
    const handle = await startCameras({
      url: broker.url,
      speedup: 60,
      congestion: { camera: 'phu-xuan-bridge', startAfterMs: 0 },
      seed: 2,
      // Whatever the wall clock says, the simulated day is in the evening rush.
      simStartMs: lastLocalHourMs(17, Date.now()),
    });
    expect(handle.cameras.filter((c) => c.via === 'frigate').map((c) => c.id)).toContain('phu-xuan-bridge');
    await sleep(2500);
    expect((await broker.retained('frigate/available'))?.toString()).toBe('online');
    await handle.stop();
    expect((await broker.retained('frigate/available'))?.toString()).toBe('offline');
    const received = [...broker.received];
    expect(received.length).toBe(handle.stats().published + 2); // + online and offline
    const registry = new Registry();
    const generic = decodeAll(
      createCameraAdapter(context(registry)),
      received.filter((m) => m.topic.startsWith('cameras/')),
    );
    const frigate = decodeAll(
      createFrigateAdapter(context(registry)),
      received.filter((m) => m.topic === 'frigate/events'),
    );
    expect(generic.length).toBeGreaterThan(10);
    expect(frigate.length).toBeGreaterThan(10);
    for (const m of received.filter((x) => x.topic.startsWith('cameras/')))
      expect(m.client).toBe(m.topic.split('/')[1]);
    expect(new Set(received.filter((x) => x.topic.startsWith('frigate/')).map((m) => m.client))).toEqual(
      new Set(['frigate-nvr']),
    );
    // Every object that ended went new → update(s) → end, in this order on the wire.
    const sequences = new Map<string, string[]>();
    for (const p of [...generic, ...frigate]) {
      const id = p.fields.event_id as string;
      sequences.set(id, [...(sequences.get(id) ?? []), p.tags.type!]);
    }
    const ended = [...sequences.values()].filter((s) => s.includes('end'));
    expect(ended.length).toBeGreaterThan(5);
    for (const s of ended) expect(s.join(' ')).toMatch(/^new( update)+ end$/);
    // The congestion: cars on the congested camera.
    expect(
      frigate.filter((p) => p.tags.camera === 'phu-xuan-bridge' && p.tags.label === 'car').length,
    ).toBeGreaterThan(5);
    // Ends carry the object's duration.
    expect(
      [...generic, ...frigate]
        .filter((p) => p.tags.type === 'end')
        .every((p) => (p.fields.duration_s as number) >= 0),
    ).toBe(true);
  });
});

describe('station gateway mode', () => {
  it('publishes JSON readings the stations adapter accepts, one connection per station', async () => {
    broker.received.length = 0;
    const stations = ['hue-centre-air', 'tam-giang-lagoon'];
    const handle = await startStations({ mode: 'gateway', url: broker.url, stations, intervalMs: 200 });
    await expect.poll(() => broker.received.length).toBeGreaterThanOrEqual(6);
    await handle.stop();
    const registry = new Registry(stationRegistry());
    const points = decodeAll(createStationsAdapter(context(registry), { fieldAliases: {} }), [
      ...broker.received,
    ]);
    expect(new Set(points.map((p) => p.tags.station))).toEqual(new Set(stations));
    for (const p of points) {
      expect(p.tags.medium).toBe(p.tags.station === 'tam-giang-lagoon' ? 'water' : 'air');
      expect(Object.keys(p.fields).length).toBeGreaterThanOrEqual(6);
    }
    for (const m of broker.received) expect(m.client).toBe(m.topic.split('/')[1]);
  });
});
