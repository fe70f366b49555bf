/**
 * Issue 9 end to end: three hub processes (`node bin/hub.js start`) sharing one real redis-server, one
 * real influxd. Cross-hub delivery, a persistent session taken over on another hub, every point written
 * once (from the hubs' writer records), and the leader killed with SIGKILL: another hub leads within
 * 15 s, the firing alerts survive (one whose webhook was still failing included), and every notice of
 * an alert, repeats around the handover included, carries the same transition id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleInput } from '../../alerts/rule-schema.ts';
import { type RedisServer, startRedisServer } from '../../cluster/redis-process.ts';
import type { Device } from '../../ingest/registry.ts';
import { PM25_HIGH, VESSEL_SOS } from '../alerts/rules.ts';
import { eventually, mqttClient } from '../helpers/hub.ts';
import { sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';
import { type ClusterHub, health, hookServer, leads, sentLines, startClusterHub } from './support.ts';

const TAKEOVER_BOUND_MS = 15_000;
// Three hub processes share two cores with the rest of the suite: a CONNACK may wait on a busy hub.
const CONNECT_MS = 20_000;
const client = (port: number, opts: IClientOptions) =>
  mqttClient(port, { connectTimeout: CONNECT_MS, ...opts });
const STATION = 'hue-aq-01';
const VESSELS = ['TTH-90001-TS', 'TTH-90002-TS', 'TTH-90003-TS'];
const SOS_VESSEL = 'TTH-90009-TS';
const REPORTS_PER_VESSEL = 40;

const devices: Device[] = [
  { id: STATION, kind: 'station', medium: 'air', lat: 16.463, lon: 107.59 },
  ...[...VESSELS, SOS_VESSEL].map(
    (id): Device => ({ id, kind: 'vessel', lengthM: 16, homePort: 'thuan-an' }),
  ),
];

// The environment department's PM2.5 rule and the fisheries' SOS rule of the alert tests.
const rules: RuleInput[] = [PM25_HIGH, VESSEL_SOS];

function vms(seq: number, extra: Record<string, unknown> = {}): string {
  const time = new Date(Date.now() - 60_000 + seq * 100).toISOString();
  return JSON.stringify({ time, lat: 16.9, lon: 107.8, speed_kn: 6.5, course_deg: 90, seq, ...extra });
}

// Not skipped without redis-server: startRedisServer fails with the reason (`.ci/run` installs it).
describe('three hubs sharing one Redis', () => {
  const root = mkdtempSync(join(tmpdir(), 'hub-cluster-'));
  let redis: RedisServer;
  let env: Awaited<ReturnType<typeof hookServer>>;
  let fish: Awaited<ReturnType<typeof hookServer>>;
  const hubs: ClusterHub[] = [];
  let a: ClusterHub;
  let b: ClusterHub;
  let c: ClusterHub;

  beforeAll(async () => {
    redis = await startRedisServer({ dir: root });
    env = await hookServer();
    fish = await hookServer();
    const influxUrl = await sharedInfluxUrl();
    const database = uniqueDatabase('cluster');
    const start = (name: string) =>
      startClusterHub({
        name,
        dir: join(root, name),
        redisUrl: redis.url,
        influxUrl,
        database,
        extra: {
          devices: { entries: devices },
          alerts: {
            rules,
            groupWindowMs: 0,
            repeatIntervalMs: 0,
            notifiers: {
              departments: {
                environment: [{ kind: 'webhook', url: env.url, timeoutMs: 2000 }],
                fisheries: [{ kind: 'webhook', url: fish.url, timeoutMs: 2000 }],
              },
              retry: { minMs: 200, maxMs: 1000 },
            },
          },
        },
      }).then((hub) => {
        hubs.push(hub);
        return hub;
      });
    // hub-a first, so that it leads; the other two join as followers.
    a = await start('hub-a');
    expect(await eventually(() => leads(a), 20_000, 100)).toBe(true);
    [b, c] = await Promise.all([start('hub-b'), start('hub-c')]);
  });

  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.kill('SIGTERM')));
    await redis?.stop();
    await env?.close();
    await fish?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('routes between hubs: a subscriber on hub-a receives what a device publishes on hub-b; every hub’s status is seen on any hub', async () => {
    expect((await health(b))?.components.cluster).toMatchObject({
      ok: true,
      role: 'follower',
      leader: 'hub-a',
    });
    const subscriber = await client(a.mqttPort, { clientId: 'watcher-a' });
    const received: string[] = [];
    subscriber.on('message', (topic, payload) => received.push(`${topic} ${payload}`));
    await subscriber.subscribeAsync('stations/+/readings', { qos: 1 });
    const device = await client(b.mqttPort, { clientId: STATION });
    const reading = JSON.stringify({ values: { pm25: 12 } });
    await device.publishAsync(`stations/${STATION}/readings`, reading, { qos: 1 });
    expect(await eventually(() => received.length > 0, 5_000)).toBe(true);
    expect(received).toEqual([`stations/${STATION}/readings ${reading}`]);

    // hub/status/{instance}: retained, from each hub, readable on any hub (the first one comes after 10 s).
    const statuses = new Set<string>();
    const watcher = await client(c.mqttPort, { clientId: 'status-watcher' });
    watcher.on('message', (topic) => statuses.add(topic));
    await watcher.subscribeAsync('hub/status/+', { qos: 1 });
    await eventually(() => statuses.size === 3, 15_000);
    expect([...statuses].sort()).toEqual(['hub/status/hub-a', 'hub/status/hub-b', 'hub/status/hub-c']);
    await Promise.all([subscriber.endAsync(), device.endAsync(), watcher.endAsync()]);
  });

  it('keeps a persistent session across hubs: QoS 1 messages queued while away arrive on reconnect to another hub', async () => {
    const first = await client(a.mqttPort, { clientId: 'ops-console', clean: false });
    await first.subscribeAsync('ops/notes', { qos: 1 });
    await first.endAsync();
    // aedes sends a QoS 1 PUBACK before it routes the message (cluster/README.md, "Not covered"): a
    // watcher's copies show that the three notes went through the cluster before the console returns.
    const routed: string[] = [];
    const watcher = await client(b.mqttPort, { clientId: 'ops-watcher' });
    watcher.on('message', (_topic, payload) => routed.push(payload.toString()));
    await watcher.subscribeAsync('ops/notes', { qos: 1 });
    const publisher = await client(b.mqttPort, { clientId: 'ops-publisher' });
    for (const n of [1, 2, 3]) await publisher.publishAsync('ops/notes', `note ${n}`, { qos: 1 });
    await publisher.endAsync();
    expect(await eventually(() => routed.length >= 3, 10_000)).toBe(true);
    await watcher.endAsync();

    const received: string[] = [];
    const again = mqtt.connect(`mqtt://127.0.0.1:${c.mqttPort}`, {
      clientId: 'ops-console',
      clean: false,
      reconnectPeriod: 0,
      connectTimeout: CONNECT_MS,
    });
    again.on('message', (_topic, payload) => received.push(payload.toString()));
    const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
      again.once('connect', resolve);
      again.once('error', reject);
    });
    expect(connack.sessionPresent).toBe(true);
    expect(await eventually(() => received.length >= 3, 5_000)).toBe(true);
    expect(received).toEqual(['note 1', 'note 2', 'note 3']);
    await again.endAsync();
  });

  it('writes every point once: each hub writes its own clients’ points, counted from the writer records', async () => {
    const publishers = await Promise.all(
      [a, b, c].map((hub, i) => client(hub.mqttPort, { clientId: VESSELS[i] as string })),
    );
    await Promise.all(
      publishers.map(async (client, i) => {
        for (let seq = 0; seq < REPORTS_PER_VESSEL; seq++)
          await client.publishAsync(`vessels/${VESSELS[i]}/vms`, vms(seq), { qos: 1 });
      }),
    );
    await Promise.all(publishers.map((p) => p.endAsync()));
    const drained = async () =>
      (await Promise.all([a, b, c].map(health))).every((h) => h?.components.spool?.lines === 0);
    expect(await eventually(drained, 15_000, 200)).toBe(true);

    const written = new Map<string, number>();
    for (const hub of [a, b, c]) {
      const { lines, analysis } = sentLines(hub.dir);
      expect(analysis.duplicateLines).toBe(0);
      expect(analysis.gaps).toEqual([]);
      for (const line of lines) {
        const m = /^vessel_position,.*vessel=([^, ]+).* .*seq=(\d+)i/.exec(line);
        if (m && VESSELS.includes(m[1] as string)) {
          const key = `${m[1]}#${m[2]}`;
          written.set(key, (written.get(key) ?? 0) + 1);
        }
      }
    }
    expect(written.size).toBe(VESSELS.length * REPORTS_PER_VESSEL);
    expect([...written.values()].every((n) => n === 1)).toBe(true);
  });

  it('replaces a leader killed with SIGKILL within 15 s, losing no firing alert; every notice of an alert carries its transition id', async () => {
    // Alerts on the leader from devices connected to followers: the whole stream reaches it.
    const station = await client(b.mqttPort, { clientId: STATION });
    await station.publishAsync(`stations/${STATION}/readings`, JSON.stringify({ values: { pm25: 62 } }), {
      qos: 1,
    });
    expect(await eventually(() => env.ids('pm25-high', 'firing').length > 0, 10_000)).toBe(true);
    const pm25Id = env.ids('pm25-high', 'firing')[0] as string;

    // The fisheries receiver is down: the leader keeps retrying the SOS notice when it dies.
    fish.state.refuse = true;
    const vessel = await client(c.mqttPort, { clientId: SOS_VESSEL });
    await vessel.publishAsync(`vessels/${SOS_VESSEL}/vms`, vms(1, { sos: true }), { qos: 1 });
    expect(await eventually(() => fish.deliveries.length > 0, 10_000)).toBe(true);
    const sosId = fish.deliveries[0]?.json.transitions[0]?.transition_id as string;
    expect(sosId).toMatch(/^vms-sos:TTH-90009-TS:firing:\d+$/);

    const killedAt = Date.now();
    await a.kill('SIGKILL');
    fish.state.refuse = false;
    const followers = [b, c];
    const next = await eventually(
      async () => {
        for (const hub of followers) if (await leads(hub)) return hub;
        return undefined;
      },
      TAKEOVER_BOUND_MS + 5_000,
      100,
    );
    const takeoverMs = Date.now() - killedAt;
    console.info(`cluster: leader killed, ${next?.name} leads after ${takeoverMs} ms`);
    expect(next).toBeDefined();
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
    const leader = next as ClusterHub;

    // The SOS the dead leader never delivered arrives from the new one, under the same id.
    expect(await eventually(() => fish.ids('vms-sos', 'firing').length > 0, 10_000)).toBe(true);
    expect(new Set(fish.ids('vms-sos', 'firing'))).toEqual(new Set([sosId]));
    // Both alerts are still firing on the new leader: the same episodes, not new ones.
    const active = (await (await fetch(`http://127.0.0.1:${leader.httpPort}/api/alerts`)).json()) as Array<{
      id: string;
      state: string;
    }>;
    const episode = (transitionId: string) => transitionId.replace(':firing:', ':');
    expect(active.map((x) => x.id).sort()).toEqual([episode(pm25Id), episode(sosId)].sort());

    // The PM2.5 alert ends on the new leader: its resolve closes the episode that fired on hub-a.
    await station.publishAsync(`stations/${STATION}/readings`, JSON.stringify({ values: { pm25: 30 } }), {
      qos: 1,
    });
    expect(await eventually(() => env.ids('pm25-high', 'resolved').length > 0, 10_000)).toBe(true);
    expect(env.ids('pm25-high', 'resolved')[0]).toBe(pm25Id.replace(':firing:', ':resolved:'));
    // Repeats around the handover (the new leader notifies firing alerts again) keep the id.
    expect(new Set(env.ids('pm25-high', 'firing'))).toEqual(new Set([pm25Id]));
    console.info(
      `cluster: pm25-high firing delivered ${env.ids('pm25-high', 'firing').length}×, vms-sos attempts ${fish.deliveries.length}`,
    );
    await Promise.all([station.endAsync(), vessel.endAsync()]);
  });
});
