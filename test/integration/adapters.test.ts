/**
 * Every adapter through the real broker into a real influxd, and the Modbus poller against a real Modbus
 * TCP server serving DOMAIN.md's literal register words.
 */
import ModbusRTU from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAisPosition, encodeAisStatic5 } from '../../adapters/ais/encode.ts';
import { encodeCameraEvent, encodeFrigateEvent } from '../../adapters/camera/encode.ts';
import type { Device } from '../../ingest/registry.ts';
import { eventually, mqttClient, startTestHub, type TestHub } from '../helpers/hub.ts';
import { query, type Row } from '../helpers/influxd.ts';

const devices: Device[] = [
  { id: 'TTH-92001-TS', kind: 'vessel', mmsi: 574001234, lengthM: 16, homePort: 'thuan-an' },
  { id: 'hue-aq-01', kind: 'station', medium: 'air', lat: 16.463, lon: 107.59 },
  { id: 'huong-river-01', kind: 'station', medium: 'water', lat: 16.47, lon: 107.588 },
  { id: 'truong-tien-bridge', kind: 'camera', lat: 16.47, lon: 107.588 },
];

async function rowsOf(t: TestHub, influxql: string, atLeast = 1): Promise<Row[]> {
  const rows = await eventually(async () => {
    const r = await query(t.influxUrl, t.database, influxql).catch(() => []);
    return r.length >= atLeast ? r : null;
  }, 10_000);
  return rows ?? [];
}

describe('adapters through the broker into InfluxDB', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ devices: { entries: devices } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('stores AIS positions and static data heard by a shore receiver, with the vessel from the MMSI', async () => {
    const client = await mqttClient(t.hub.mqttPort, { clientId: 'thuan-an-rx' });
    const second = new Date().getUTCSeconds();
    const lines = [
      ...encodeAisPosition({
        type: 1,
        mmsi: 574001234,
        lat: 16.61,
        lon: 107.71,
        sogKn: 7.2,
        cogDeg: 88,
        headingDeg: 90,
        second,
      }),
      ...encodeAisPosition({
        type: 18,
        mmsi: 574009999,
        lat: 16.62,
        lon: 107.72,
        sogKn: 3,
        cogDeg: 10,
        second: 60,
      }),
      ...encodeAisStatic5({
        mmsi: 574001234,
        name: 'HUE FISHER 1',
        callsign: '3WAB1',
        shipType: 30,
        lengthM: 16,
      }),
    ];
    await client.publishAsync('ais/thuan-an-rx', lines.join('\r\n'), { qos: 1 });
    await client.endAsync();
    const positions = await rowsOf(t, `SELECT * FROM vessel_position WHERE source = 'ais'`, 2);
    const known = positions.find((r) => r.vessel === 'TTH-92001-TS');
    expect(known).toMatchObject({ mmsi: '574001234', heading_deg: 90 });
    expect(known?.lat).toBeCloseTo(16.61, 4);
    expect(positions.find((r) => r.vessel === 'mmsi:574009999')?.lon).toBeCloseTo(107.72, 4);
    const statics = await rowsOf(t, `SELECT * FROM vessel_static`);
    expect(statics[0]).toMatchObject({
      vessel: 'TTH-92001-TS',
      name: 'HUE FISHER 1',
      ship_type: 30,
      length_m: 16,
    });
  });

  it('stores VMS reports with terminal, sequence and SOS', async () => {
    const client = await mqttClient(t.hub.mqttPort);
    const time = new Date(Date.now() - 30_000).toISOString();
    const report = {
      time,
      lat: 16.9,
      lon: 107.9,
      speed_kn: 0.4,
      course_deg: 200,
      seq: 42,
      terminal: 'VMS-A',
      sos: true,
    };
    await client.publishAsync('vessels/TTH-92001-TS/vms', JSON.stringify(report), { qos: 1 });
    await client.endAsync();
    const rows = await rowsOf(t, `SELECT * FROM vessel_position WHERE source = 'vms'`);
    expect(rows[0]).toMatchObject({
      vessel: 'TTH-92001-TS',
      terminal: 'VMS-A',
      seq: 42,
      sos: true,
      sog_kn: 0.4,
    });
    expect(Date.parse(rows[0]?.time as string)).toBe(Date.parse(time));
  });

  it('stores station readings with the medium from the registry and the current VN_AQI on air', async () => {
    const client = await mqttClient(t.hub.mqttPort);
    const time = new Date(Date.now() - 10_000).toISOString();
    await client.publishAsync(
      'stations/hue-aq-01/readings',
      JSON.stringify({ time, values: { pm25: 37.5, temp_c: 29.1 } }),
      {
        qos: 1,
      },
    );
    await client.publishAsync(
      'stations/huong-river-01/readings',
      JSON.stringify({ time, values: { ph: 7.1, do_mgl: 6.2, nh4_mgl: 0.12, mystery: 3 } }),
      { qos: 1 },
    );
    await client.endAsync();
    const air = await rowsOf(t, `SELECT * FROM environment WHERE station = 'hue-aq-01'`);
    // PM2.5 37.5 µg/m³ alone: (100−50)/(50−25)×(37.5−25)+50 = 75 (Decision 1459/QD-TCMT)
    expect(air[0]).toMatchObject({ medium: 'air', pm25: 37.5, aqi: 75 });
    const water = await rowsOf(t, `SELECT * FROM environment WHERE station = 'huong-river-01'`);
    expect(water[0]).toMatchObject({ medium: 'water', ph: 7.1, do_mgl: 6.2 });
    const dead = await rowsOf(t, `SELECT * FROM deadletter WHERE reason = 'unknown_field'`);
    expect(dead[0]?.error).toMatch(/mystery/);
  });

  it('stores generic camera events and Frigate events, two objects in one frame as two points', async () => {
    const client = await mqttClient(t.hub.mqttPort);
    const time = new Date(Date.now() - 5_000);
    await client.publishAsync(
      'cameras/truong-tien-bridge/events',
      encodeCameraEvent({ time, eventId: 'e-1', type: 'new', label: 'car', score: 0.81, zones: ['bridge'] }),
      { qos: 1 },
    );
    const frame = Math.floor(Date.now() / 1000) - 3 + 0.25;
    for (const id of ['f-1', 'f-2']) {
      const after = {
        camera: 'dong-ba-market',
        label: 'motorcycle',
        frameTime: frame,
        id,
        score: 0.9,
        currentZones: ['market'],
      };
      await client.publishAsync('frigate/events', encodeFrigateEvent({ type: 'new', after }), { qos: 1 });
    }
    await client.publishAsync('frigate/available', 'online', { qos: 1, retain: true });
    await client.endAsync();
    const generic = await rowsOf(t, `SELECT * FROM camera_event WHERE camera = 'truong-tien-bridge'`);
    expect(generic[0]).toMatchObject({ label: 'car', type: 'new', event_id: 'e-1', zones: 'bridge' });
    const frigate = await rowsOf(t, `SELECT * FROM camera_event WHERE camera = 'dong-ba-market'`, 2);
    expect(frigate.map((r) => r.event_id).sort()).toEqual(['f-1', 'f-2']);
    const notDead = await query(
      t.influxUrl,
      t.database,
      `SELECT * FROM deadletter WHERE topic = 'frigate/available'`,
    );
    expect(notDead).toEqual([]);
  });

  it('dead-letters a VMS report with a wrong type and publishes the notice to the client', async () => {
    const client = await mqttClient(t.hub.mqttPort, { clientId: 'vms-gw-7' });
    const notice = new Promise<string>((resolve) => client.on('message', (_t, p) => resolve(p.toString())));
    await client.subscribeAsync('hub/deadletter/vms-gw-7');
    await client.publishAsync(
      'vessels/TTH-92001-TS/vms',
      JSON.stringify({ time: Date.now(), lat: 'north' }),
      { qos: 1 },
    );
    expect(JSON.parse(await notice)).toMatchObject({
      reason: 'invalid_payload',
      topic: 'vessels/TTH-92001-TS/vms',
    });
    await client.endAsync();
  });
});

describe('Modbus poller through the hub', () => {
  it('polls a real Modbus TCP server and stores the decoded reading', async () => {
    // DOMAIN.md: 123456.0 = 0x47F12000; CDAB order → [0x2000, 0x47F1]. int16 291 × 0.1 = 29.1 °C.
    const input = [0x2000, 0x47f1];
    const holding: number[] = new Array(20).fill(0);
    holding[10] = 291;
    const server = new ModbusRTU.ServerTCP(
      {
        getInputRegister: (addr: number) => input[addr] ?? 0,
        getHoldingRegister: (addr: number) => holding[addr] ?? 0,
        getCoil: () => false,
        setRegister: () => {},
        setCoil: () => {},
      },
      { host: '127.0.0.1', port: 0, unitID: 1 },
    );
    await new Promise<void>((resolve) => server.on('initialized', () => resolve()));
    const port = (server as unknown as { _server: { address(): { port: number } } })._server.address().port;
    const t = await startTestHub({
      modbus: {
        devices: [
          {
            station: 'hue-aq-02',
            medium: 'air',
            url: `tcp://127.0.0.1:${port}`,
            unitId: 1,
            intervalMs: 200,
            timeoutMs: 1000,
            registers: [
              { field: 'co', table: 'input', address: 0, type: 'float32', byteOrder: 'CDAB' },
              { field: 'temp_c', table: 'holding', address: 10, type: 'int16', scale: 0.1 },
            ],
          },
        ],
      },
    });
    try {
      const rows = await rowsOf(t, `SELECT * FROM environment WHERE station = 'hue-aq-02'`);
      expect(rows[0]).toMatchObject({ medium: 'air', co: 123456, temp_c: 29.1 });
      const metrics = await t.hub.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(
        /hub_modbus_device_up\{station="hue-aq-02",url="tcp:\/\/127\.0\.0\.1:\d+"\} 1/,
      );
    } finally {
      await t.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
