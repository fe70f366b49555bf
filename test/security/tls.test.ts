/**
 * MQTT over TLS and secure WebSocket from configured PEM files (a CA made here with openssl): a device
 * logs in with its secret over TLS, or with a client certificate whose CN is its id; a certificate for an
 * unknown device, or from a CA the hub does not trust, is refused at CONNECT; the topic ACL still applies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../broker/auth.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { query } from '../helpers/influxd.ts';
import { makePki, type Pki } from './pki.ts';

const PASSWORD_VESSEL = 'TTH-98001-TS';
const CERT_VESSEL = 'TTH-98002-TS';
const SECRET = 'tls-test-secret-0123456789abcdef';

let dir: string;
let pki: Pki;
let t: TestHub;
const clients: MqttClient[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-tls-'));
  pki = makePki(dir);
  t = await startTestHub({
    broker: {
      allowAnonymous: false,
      tls: {
        port: 0,
        wssPort: 0,
        cert: pki.server.certFile,
        key: pki.server.keyFile,
        ca: pki.caFile,
        requestCert: true,
      },
    },
    devices: {
      entries: [
        { id: PASSWORD_VESSEL, kind: 'vessel', secretHash: hashSecret(SECRET) },
        { id: CERT_VESSEL, kind: 'vessel' },
      ],
    },
  });
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(url: string, opts: IClientOptions): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, {
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ca: pki.ca,
    ...opts,
  });
  clients.push(client);
  return client;
}

function report(i: number): string {
  const time = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000 + i * 1000).toISOString();
  return JSON.stringify({ time, lat: 16.7, lon: 107.8, speed_kn: 5, course_deg: 90, seq: i });
}

async function positions(vessel: string): Promise<number> {
  const rows = await query(
    t.influxUrl,
    t.database,
    `SELECT "seq" FROM "vessel_position" WHERE "vessel" = '${vessel}'`,
  ).catch(() => []);
  return rows.length;
}

describe('MQTT over TLS', () => {
  it('logs a device in with its secret over TLS', async () => {
    expect(t.hub.broker.tlsPort).toBeGreaterThan(0);
    const client = await connect(`mqtts://127.0.0.1:${t.hub.broker.tlsPort}`, {
      username: PASSWORD_VESSEL,
      password: SECRET,
    });
    await client.publishAsync(`vessels/${PASSWORD_VESSEL}/vms`, report(1), { qos: 1 });
    expect(await eventually(async () => (await positions(PASSWORD_VESSEL)) === 1)).toBe(true);
  });

  it('logs a device in by its client certificate (CN = device id); the ACL still applies', async () => {
    const cert = pki.client(CERT_VESSEL);
    const client = await connect(`mqtts://127.0.0.1:${t.hub.broker.tlsPort}`, {
      cert: cert.cert,
      key: cert.key,
    });
    await client.publishAsync(`vessels/${CERT_VESSEL}/vms`, report(2), { qos: 1 });
    await client.publishAsync(`vessels/${PASSWORD_VESSEL}/vms`, report(3), { qos: 1 }); // not its own: dropped
    expect(await eventually(async () => (await positions(CERT_VESSEL)) === 1)).toBe(true);
    expect(await positions(PASSWORD_VESSEL)).toBe(1);
  });

  it('refuses a certificate for an unknown device, and one from a CA it does not trust', async () => {
    const unknown = pki.client('TTH-00000-TS');
    await expect(
      connect(`mqtts://127.0.0.1:${t.hub.broker.tlsPort}`, { cert: unknown.cert, key: unknown.key }),
    ).rejects.toThrow(/Bad username or password|Not authorized/);
    const rogue = pki.client(CERT_VESSEL, 'rogue');
    await expect(
      connect(`mqtts://127.0.0.1:${t.hub.broker.tlsPort}`, { cert: rogue.cert, key: rogue.key }),
    ).rejects.toThrow(/Bad username or password|Not authorized/);
    const metrics = await t.hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/hub_auth_failures_total\{reason="bad_certificate"\} 1/);
    expect(metrics.body).toMatch(/hub_auth_failures_total\{reason="unknown_device"\} 1/);
  });

  it('refuses a client that does not trust the hub certificate (no silent downgrade)', async () => {
    await expect(
      mqtt.connectAsync(`mqtts://127.0.0.1:${t.hub.broker.tlsPort}`, {
        reconnectPeriod: 0,
        connectTimeout: 3000,
        username: PASSWORD_VESSEL,
        password: SECRET,
      }),
    ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('serves MQTT over secure WebSocket with the same certificate login', async () => {
    const cert = pki.client(CERT_VESSEL);
    const client = await connect(`wss://127.0.0.1:${t.hub.broker.wssPort}`, {
      cert: cert.cert,
      key: cert.key,
    });
    await client.publishAsync(`vessels/${CERT_VESSEL}/vms`, report(4), { qos: 1 });
    expect(await eventually(async () => (await positions(CERT_VESSEL)) === 2)).toBe(true);
  });
});
