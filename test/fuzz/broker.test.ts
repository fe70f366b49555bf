/**
 * The broker over raw sockets, against a real hub process: hundreds of hostile connections (random bytes,
 * malformed and mutated MQTT packets, lying remaining lengths, oversize declarations, reserved packet
 * types, half-open connections that never finish CONNECT, junk payloads on data topics) while a well-
 * behaved vessel publishes QoS 1 reports. The hub never crashes; every valid report is stored; every bad
 * connection is closed by the hub (a refused packet at once, a connection left half-way through CONNECT
 * after connectTimeoutMs, one left half-way through a later packet by its keepalive); every junk payload
 * it acknowledged is dead-lettered with a reason; RSS grows by less than 50 MB over the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { generate } from 'mqtt-packet';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/hub.ts';
import { query, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';
import {
  childConfig,
  type HubProcess,
  startHubProcess,
  vmsReport,
  writeConfig,
} from '../reliability/hub-process.ts';
import { RawMqtt } from '../reliability/raw-mqtt.ts';

const CASES = Number(process.env.FUZZ_BROKER_CASES ?? 600);
const VALID = 400;
const CONNECT_TIMEOUT_MS = 800;
const MAX_PACKET_BYTES = 64 * 1024;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const VESSEL = 'TTH-99001-TS';
const MB = 1024 * 1024;

interface Attack {
  kind: string;
  chunks: Buffer[];
  /** Junk on a data topic sent as a valid QoS 1 PUBLISH: acknowledged, then dead-lettered. */
  junkPublish?: boolean;
}

/** Keepalive 1 s: a connection left half-way through a packet is dropped after 1.5 s [MQTT-3.1.2-24]. */
const connectPacket = (id: string) =>
  generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: id,
    clean: true,
    keepalive: 1,
  });

const bytes = (max: number) => fc.uint8Array({ minLength: 1, maxLength: max }).map((a) => Buffer.from(a));
const clientId = fc.stringMatching(/^[a-z0-9]{1,12}$/).map((s) => `fz-${s}`);

/** Remaining length, MQTT 3.1.1 §2.2.3. */
function varint(n: number): Buffer {
  const out: number[] = [];
  let x = n;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    out.push(b);
  } while (x > 0);
  return Buffer.from(out);
}

function publishPacket(topic: string, payload: Buffer, id: number): Buffer {
  return generate({ cmd: 'publish', topic, payload, qos: 1, messageId: id, retain: false, dup: false });
}

const attacks: fc.Arbitrary<Attack> = fc.oneof(
  bytes(512).map((b) => ({ kind: 'random_bytes', chunks: [b] })),
  fc
    .tuple(clientId, bytes(512))
    .map(([id, b]) => ({ kind: 'connect_then_random', chunks: [connectPacket(id), b] })),
  fc.tuple(clientId, fc.integer({ min: 1, max: 10_000 }), bytes(64)).map(([id, declared, body]) => ({
    kind: 'lying_length',
    chunks: [connectPacket(id), Buffer.concat([Buffer.from([0x32]), varint(declared), body])],
  })),
  fc.tuple(clientId, fc.integer({ min: MAX_PACKET_BYTES + 1, max: 200_000_000 })).map(([id, declared]) => ({
    kind: 'oversize_declared',
    chunks: [
      connectPacket(id),
      Buffer.concat([Buffer.from([0x30]), varint(declared), Buffer.alloc(100, 0x61)]),
    ],
  })),
  fc
    .tuple(clientId, fc.constantFrom(0x00, 0xf0, 0x31 | 0x06, 0x82, 0xa0, 0x62 & 0xf0), bytes(32))
    .map(([id, header, body]) => ({
      kind: 'reserved_type_or_flags',
      chunks: [connectPacket(id), Buffer.concat([Buffer.from([header]), varint(body.length), body])],
    })),
  fc.tuple(clientId, fc.nat()).map(([id, cut]) => {
    const full = connectPacket(id);
    return { kind: 'half_open_connect', chunks: [full.subarray(0, cut % full.length)] };
  }),
  fc
    .tuple(
      clientId,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
    )
    .map(([id, flips]) => {
      const packet = Buffer.from(publishPacket(`vessels/${VESSEL}/vms`, Buffer.from('{"time":1}'), 7));
      for (const [at, byte] of flips) packet[at % packet.length] = byte;
      return { kind: 'mutated_publish', chunks: [connectPacket(id), packet] };
    }),
  fc.tuple(fc.nat(), bytes(400)).map(([n, junk]) => {
    const topics = [
      `vessels/TTH-99${String(n % 100).padStart(3, '0')}-TS/nmea`,
      `vessels/TTH-99002-TS/vms`,
      'ais/fuzz-rx',
      'stations/fuzz-st/readings',
      'cameras/fuzz-cam/events',
      'frigate/events',
    ];
    // A 0xff lead byte: never valid UTF-8 JSON, never an NMEA sentence start.
    const payload = Buffer.concat([Buffer.from([0xff]), junk]);
    return {
      kind: 'junk_payload',
      chunks: [connectPacket(`fz-junk-${n}`), publishPacket(topics[n % topics.length] as string, payload, 1)],
      junkPublish: true,
    };
  }),
);

interface Outcome {
  closedByHub: boolean;
  acked: boolean;
  got?: string;
}

/** Runs one attack on a fresh socket; waits until the hub closes it, or closes it itself. */
function run(port: number, attack: Attack): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let acked = false;
    let ourClose = false;
    socket.on('error', () => {});
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('hex');
      // PUBACK for packet id 1 (the junk publish): 0x40 0x02 0x00 0x01
      if (d.includes(Buffer.from([0x40, 0x02, 0x00, 0x01]))) acked = true;
    });
    socket.on('connect', () => {
      for (const chunk of attack.chunks) socket.write(chunk);
    });
    // Upper bounds only (a junk publish ends once acknowledged, a hostile socket once the hub closes it),
    // generous because the whole suite shares two cores with this test.
    const give = setTimeout(
      () => {
        ourClose = true;
        socket.destroy();
      },
      attack.junkPublish ? 15_000 : CONNECT_TIMEOUT_MS + 9000,
    );
    socket.on('close', () => {
      clearTimeout(give);
      resolve({ closedByHub: !ourClose, acked, got: got.slice(0, 40) });
    });
    if (attack.junkPublish) {
      const poll = setInterval(() => {
        if (!acked) return;
        clearInterval(poll);
        ourClose = true;
        socket.end();
      }, 20);
      socket.on('close', () => clearInterval(poll));
    }
  });
}

async function pool<T, R>(items: readonly T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

const dirs: string[] = [];
const hubs: HubProcess[] = [];
afterAll(async () => {
  for (const hub of hubs) await hub.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('broker under hostile input', () => {
  it(`survives ${CASES} hostile connections with valid traffic mixed in (seed ${SEED})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-fuzz-'));
    dirs.push(dir);
    const url = await sharedInfluxUrl();
    const database = uniqueDatabase('fuzz');
    const config = childConfig(dir, url, database, {
      broker: { connectTimeoutMs: CONNECT_TIMEOUT_MS, maxPacketBytes: MAX_PACKET_BYTES },
    });
    const hub = await startHubProcess(writeConfig(dir, config));
    hubs.push(hub);

    // Junk publishers get a client id of their own: two running at once under one id would be a session
    // takeover (MQTT-3.1.4-2), and the first one's connection closed before its PUBACK.
    const cases = fc
      .sample(attacks, { numRuns: CASES, seed: SEED })
      .map((c, i) =>
        c.junkPublish ? { ...c, chunks: [connectPacket(`fz-junk-${i}`), ...c.chunks.slice(1)] } : c,
      );
    const base = Date.now() - 3600_000;
    const report = (i: number) => vmsReport(base, i);

    // Warm up (JIT, buffers) before the memory baseline.
    const vessel = await RawMqtt.connect(hub.mqttPort, { clientId: VESSEL });
    for (let i = 0; i < 20; i++) await vessel.publish(`vessels/${VESSEL}/vms`, report(i), 1);
    await pool(cases.slice(0, 30), 10, (a) => run(hub.mqttPort, a));
    const rssBefore = hub.rss();

    let sent = 20;
    const valid = (async () => {
      while (sent < VALID) {
        await vessel.publish(`vessels/${VESSEL}/vms`, report(sent), 1);
        sent++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const outcomes = await pool(cases, 24, (a) => run(hub.mqttPort, a));
    await valid;
    const rssAfter = hub.rss();

    expect(hub.child.exitCode).toBeNull(); // never crashed
    expect(vessel.closed).toBe(false);
    const stored = await eventually(async () => {
      const rows = await query(
        url,
        database,
        `SELECT "seq" FROM "vessel_position" WHERE "vessel" = '${VESSEL}'`,
      );
      return rows.length >= VALID ? rows : undefined;
    }, 20_000);
    expect(new Set(stored?.map((r) => r.seq)).size).toBe(VALID);

    // Every connection that was not a well-formed client was closed by the hub.
    const hostile = cases.map((c, i) => ({ c, o: outcomes[i] as Outcome })).filter(({ c }) => !c.junkPublish);
    const stillOpen = hostile
      .filter(({ o }) => !o.closedByHub)
      .map(
        ({ c, o }) =>
          `${c.kind} ${JSON.stringify(o)} ${c.chunks.map((b) => b.toString('hex').slice(0, 80)).join('|')}`,
      );
    expect(stillOpen).toEqual([]);
    // Every junk payload the hub acknowledged was dead-lettered with a reason.
    const junkAcked = cases.filter((c, i) => c.junkPublish && (outcomes[i] as Outcome).acked).length;
    expect(junkAcked).toBe(cases.filter((c) => c.junkPublish).length);
    const deadLetters = await eventually(async () => {
      const rows = await query(
        url,
        database,
        `SELECT "reason", "client" FROM "deadletter" WHERE "client" =~ /^fz-junk-/`,
      );
      return rows.length >= junkAcked ? rows : undefined;
    }, 20_000);
    expect(deadLetters?.every((r) => /^[a-z_]+$/.test(String(r.reason)))).toBe(true);
    const oversize = cases.filter((c) => c.kind === 'oversize_declared').length;
    const tooLarge = await query(
      url,
      database,
      `SELECT COUNT("error") FROM "deadletter" WHERE "reason" = 'packet_too_large'`,
    );
    // Random bytes declare huge lengths too: each is refused unread and recorded.
    expect((tooLarge[0]?.count as number | undefined) ?? 0).toBeGreaterThanOrEqual(oversize);

    const growthMb = (rssAfter - rssBefore) / MB;
    const kinds = Object.entries(
      cases.reduce<Record<string, number>>((acc, c) => {
        acc[c.kind] = (acc[c.kind] ?? 0) + 1;
        return acc;
      }, {}),
    )
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    console.info(
      `broker fuzz (seed ${SEED}): ${CASES} hostile connections (${kinds}); ${VALID} valid reports all stored; ${junkAcked} junk payloads dead-lettered; RSS ${Math.round(rssBefore / MB)} → ${Math.round(rssAfter / MB)} MB`,
    );
    expect(growthMb).toBeLessThan(50);
    vessel.destroy();
  });
});
