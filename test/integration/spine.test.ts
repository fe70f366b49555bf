/**
 * The spine end to end: real mqtt.js clients → the hub's broker → NMEA adapter → spool → a real influxd.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGga, encodeRmc, encodeVtg } from '../../adapters/nmea/encode.ts';
import { withChecksum } from '../../adapters/nmea/framing.ts';
import { eventually, mqttClient, startTestHub, type TestHub } from '../helpers/hub.ts';
import { countPoints, query } from '../helpers/influxd.ts';

function epochPayload(timeMs: number, lat: number, lon: number, i: number): string {
  return [
    encodeRmc({ timeMs, lat, lon, sogKn: 5 + i, cogDeg: 10 * i, talker: 'GN' }),
    encodeGga({ timeMs, lat, lon, fix: 1, sats: 8 + i, hdop: 0.9, talker: 'GN' }),
    encodeVtg({ cogDeg: 10 * i, sogKn: 5 + i, talker: 'GN' }),
  ].join('\r\n');
}

describe('spine: NMEA over MQTT into InfluxDB', () => {
  let t: TestHub;

  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('stores every position of two vessels at QoS 0 and QoS 1 with the GNSS time', async () => {
    const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const vessels = [
      { id: 'TTH-90001-TS', qos: 0 as const, lat: 16.7123, lon: 107.7456 },
      { id: 'TTH-90002-TS', qos: 1 as const, lat: -16.5, lon: -107.25 },
    ];
    for (const v of vessels) {
      const client = await mqttClient(t.hub.mqttPort, { clientId: v.id });
      for (let i = 0; i < 5; i++) {
        await client.publishAsync(
          `vessels/${v.id}/nmea`,
          epochPayload(base + i * 1000 + 250, v.lat, v.lon, i),
          {
            qos: v.qos,
          },
        );
      }
      await client.endAsync();
    }
    const count = await eventually(async () => {
      const n = await countPoints(t.influxUrl, t.database, 'vessel_position');
      return n >= 10 ? n : 0;
    });
    expect(count).toBe(10);

    const rows = await query(
      t.influxUrl,
      t.database,
      `SELECT lat, lon, sog_kn, cog_deg, fix, sats, hdop FROM vessel_position WHERE vessel = 'TTH-90002-TS' AND source = 'nmea' ORDER BY time`,
    );
    expect(rows).toHaveLength(5);
    rows.forEach((row, i) => {
      expect(Date.parse(row.time)).toBe(base + i * 1000 + 250);
      expect(row.lat).toBeCloseTo(-16.5, 6);
      expect(row.lon).toBeCloseTo(-107.25, 6);
      expect(row.sog_kn).toBeCloseTo(5 + i, 3);
      expect(row.cog_deg).toBeCloseTo(10 * i, 3);
      expect(row.fix).toBe(1);
      expect(row.sats).toBe(8 + i);
      expect(row.hdop).toBeCloseTo(0.9, 3);
    });
    const north = await query(
      t.influxUrl,
      t.database,
      `SELECT lat, lon FROM vessel_position WHERE vessel = 'TTH-90001-TS'`,
    );
    expect(north[0]?.lat).toBeCloseTo(16.7123, 6);
    expect(north[0]?.lon).toBeCloseTo(107.7456, 6);
  });

  it('acknowledges a bad sentence on QoS 1 once, dead-letters it, and keeps the connection', async () => {
    const client = await mqttClient(t.hub.mqttPort, { clientId: 'TTH-90003-TS', reconnectPeriod: 100 });
    let connects = 0;
    client.on('connect', () => connects++);
    const notices: string[] = [];
    await client.subscribeAsync('hub/deadletter/TTH-90003-TS');
    client.on('message', (_topic, payload) => notices.push(payload.toString()));

    const bad = '$GPRMC,120000.00,A,1627.00,N,10735.00,E,5.0,90.0,251126,,,A*00';
    // publishAsync resolves on the PUBACK of a QoS 1 message
    await client.publishAsync('vessels/TTH-90003-TS/nmea', bad, { qos: 1 });

    await eventually(() => notices.length > 0, 5000);
    expect(JSON.parse(notices[0] as string)).toMatchObject({
      topic: 'vessels/TTH-90003-TS/nmea',
      client: 'TTH-90003-TS',
      reason: 'bad_checksum',
    });
    const rows = await eventually(
      () =>
        query(t.influxUrl, t.database, `SELECT * FROM deadletter WHERE reason = 'bad_checksum'`).then((r) =>
          r.length ? r : null,
        ),
      10_000,
    );
    expect(rows?.[0]).toMatchObject({
      topic: 'vessels/TTH-90003-TS/nmea',
      client: 'TTH-90003-TS',
      payload: bad,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(connects).toBe(0); // connectAsync resolved before the listener; no reconnect since
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('refuses an oversize packet without buffering it, and records it', async () => {
    const before = process.memoryUsage().rss;
    const declared = 64 * 1024 * 1024;
    const socket = connect(t.hub.mqttPort, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    // CONNECT (MQTT 3.1.1, clean session, client id "big")
    socket.write(Buffer.from([0x10, 15, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 60, 0, 3, 0x62, 0x69, 0x67]));
    // PUBLISH header claiming 64 MiB (remaining length 0x80 0x80 0x80 0x20), then 8 MiB of payload
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => {});
    socket.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x20, 0, 3, 0x61, 0x2f, 0x62]));
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    for (let i = 0; i < 8 && !socket.destroyed; i++) socket.write(chunk);
    await closed;
    expect(declared).toBeGreaterThan(t.hub.config.broker.maxPacketBytes);
    const grown = process.memoryUsage().rss - before;
    expect(grown).toBeLessThan(32 * 1024 * 1024);
    const rows = await eventually(
      () =>
        query(t.influxUrl, t.database, `SELECT * FROM deadletter WHERE reason = 'packet_too_large'`).then(
          (r) => (r.length ? r : null),
        ),
      10_000,
    );
    expect(rows?.[0]?.error).toMatch(/exceeds broker.maxPacketBytes/);
    expect(rows?.[0]?.payload ?? '').toBe('');
  });

  it('counts and skips unused sentences instead of dead-lettering them', async () => {
    const client = await mqttClient(t.hub.mqttPort, { clientId: 'TTH-90004-TS' });
    const gsv = withChecksum('$', 'GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00');
    await client.publishAsync('vessels/TTH-90004-TS/nmea', gsv, { qos: 1 });
    await client.endAsync();
    const metrics = await t.hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/hub_skipped_total\{source="nmea",kind="unused"\} 1/);
  });

  it('answers /health, /health/live, /health/ready and /metrics', async () => {
    const live = await t.hub.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    const ready = await t.hub.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    const health = await t.hub.app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toMatchObject({
      status: 'ok',
      ready: true,
      components: { broker: { ok: true }, influxdb: { ok: true } },
    });
    const metrics = await t.hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/hub_messages_in_total\{root="vessels"\} \d+/);
    expect(metrics.body).toMatch(/hub_points_written_total \d+/);
    expect(metrics.body).toMatch(/hub_deadletters_total\{reason="bad_checksum"\} 1/);
    expect(metrics.body).toMatch(/hub_write_duration_seconds_bucket/);
    expect(metrics.body).toMatch(/hub_spool_points/);
    expect(metrics.body).toMatch(/hub_clients_connected/);
  });

  it('writes its own hub point and a retained status', async () => {
    t.hub.reportStatus();
    const rows = await eventually(
      () =>
        query(t.influxUrl, t.database, `SELECT * FROM hub WHERE instance = 'test-hub'`).then((r) =>
          r.length ? r : null,
        ),
      10_000,
    );
    expect(rows?.[0]?.msgs_in).toBeGreaterThan(0);
    expect(rows?.[0]?.points_written).toBeGreaterThan(0);
    const client = await mqttClient(t.hub.mqttPort);
    const status = new Promise<string>((resolve) => client.on('message', (_t, p) => resolve(p.toString())));
    await client.subscribeAsync('hub/status/test-hub');
    expect(JSON.parse(await status)).toMatchObject({ instance: 'test-hub', status: 'ok', ready: true });
    await client.endAsync();
  });
});
