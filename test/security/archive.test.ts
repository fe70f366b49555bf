/**
 * The evidence archive (Decree 41/2026): raw vessel messages, hash-chained, in daily files. Verification
 * passes on an intact archive and names the record when one is edited, removed (alone or with its whole
 * file), cut off the end or reordered; a torn last line left by a crash is cut at the next start and the
 * chain goes on. Through the hub, NMEA, VMS and AIS messages are archived before their PUBACK and station
 * readings are not; `hub archive verify` exits 1 on damage.
 */
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRmc } from '../../adapters/nmea/encode.ts';
import { archiveCommand } from '../../hub/cli-archive.ts';
import { silentLogger } from '../../hub/log.ts';
import { EvidenceArchive } from '../../ingest/archive.ts';
import { type ArchiveMessage, parseRecordLine, recordPayload } from '../../ingest/archive-record.ts';
import { verifyArchive } from '../../ingest/archive-verify.ts';
import { mqttClient, startTestHub } from '../helpers/hub.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hub-archive-'));
  dirs.push(dir);
  return dir;
}

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T23:59:58Z');

function message(i: number, atMs = T0 + i * 1000): ArchiveMessage {
  return {
    receivedAtMs: atMs,
    client: 'TTH-90123-TS',
    topic: 'vessels/TTH-90123-TS/nmea',
    payload: Buffer.from(`$GPRMC,message ${i}*00`),
  };
}

async function write(
  dir: string,
  messages: ArchiveMessage[],
  onSeal?: (s: { file: string }) => void,
): Promise<EvidenceArchive> {
  const archive = await EvidenceArchive.open({ dir, log: silentLogger, ...(onSeal ? { onSeal } : {}) });
  await Promise.all(
    messages.map(
      (m) => new Promise<void>((res, rej) => archive.append(m, (err) => (err ? rej(err) : res()))),
    ),
  );
  return archive;
}

const files = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .sort();
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

/** Six records over midnight: three in each daily file. */
async function sixRecords(): Promise<string> {
  const dir = tempDir();
  const sealed: string[] = [];
  const archive = await write(
    dir,
    [0, 1, 2, 3, 4, 5].map((i) => message(i, T0 + i * 1000 - 1000)),
    (s) => sealed.push(s.file),
  );
  await archive.close();
  expect(files(dir)).toEqual(['vessels-2026-03-01.jsonl', 'vessels-2026-03-02.jsonl']);
  expect(sealed).toEqual(['vessels-2026-03-01.jsonl']);
  return dir;
}

describe('evidence archive', () => {
  it('verifies an intact archive and keeps payloads byte for byte (binary as base64)', async () => {
    const dir = tempDir();
    const binary = { ...message(9), payload: Buffer.from([0x24, 0xff, 0x00, 0x0a, 0x80]) };
    const archive = await write(dir, [message(0), message(1), binary]);
    expect(archive.head.seq).toBe(3);
    await archive.close();
    const report = await verifyArchive(dir);
    expect(report).toMatchObject({ ok: true, records: 3, firstSeq: 1, lastSeq: 3, problems: [] });
    const all = files(dir).flatMap((f) => lines(join(dir, f)));
    const records = all.map((l) => parseRecordLine(l)).map((p) => (p.ok ? p.record : undefined));
    expect(records[2]?.payload_b64).toBeDefined();
    expect(records[2] && recordPayload(records[2])).toEqual(binary.payload);
    expect(records[0] && recordPayload(records[0]).toString()).toBe('$GPRMC,message 0*00');
  });

  it('detects an edited record', async () => {
    const dir = await sixRecords();
    const path = join(dir, 'vessels-2026-03-01.jsonl');
    writeFileSync(path, readFileSync(path, 'utf8').replace('message 1*00', 'message 7*00'));
    const report = await verifyArchive(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'edited', seq: 2, line: 2 })]);
  });

  it('detects an edit whose hash was recomputed, at the next record', async () => {
    const dir = await sixRecords();
    const path = join(dir, 'vessels-2026-03-01.jsonl');
    const [a, b, c] = lines(path);
    const { encodeRecord } = await import('../../ingest/archive-record.ts');
    const parsed = parseRecordLine(b as string);
    if (!parsed.ok) throw new Error(parsed.error);
    const forged = encodeRecord(2, parsed.record.prev, {
      ...message(1),
      payload: Buffer.from('$GPRMC,forged*00'),
    });
    writeFileSync(path, `${[a, forged.line, c].join('\n')}\n`);
    const report = await verifyArchive(dir);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'broken_chain', seq: 3 })]);
  });

  it('detects a removed record and a removed daily file as gaps', async () => {
    const dir = await sixRecords();
    const first = join(dir, 'vessels-2026-03-01.jsonl');
    const [a, , c] = lines(first);
    writeFileSync(first, `${a}\n${c}\n`);
    expect((await verifyArchive(dir)).problems).toEqual([expect.objectContaining({ kind: 'gap', seq: 3 })]);

    const dir2 = await sixRecords();
    unlinkSync(join(dir2, 'vessels-2026-03-01.jsonl'));
    expect((await verifyArchive(dir2)).problems).toEqual([
      expect.objectContaining({ kind: 'missing_start', seq: 4 }),
    ]);
  });

  it('detects records cut off the end (against the saved head)', async () => {
    const dir = await sixRecords();
    const last = join(dir, 'vessels-2026-03-02.jsonl');
    writeFileSync(last, `${lines(last)[0]}\n`);
    const report = await verifyArchive(dir);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'truncated', seq: 6 })]);
  });

  it('cuts a torn last line at the next start and goes on with the chain', async () => {
    const dir = tempDir();
    const first = await write(dir, [message(0), message(1)]);
    await first.close();
    const path = join(dir, files(dir)[0] as string);
    appendFileSync(path, '{"seq":3,"at":"2026-03-0'); // a crash in the middle of a write
    const report = await verifyArchive(dir);
    expect(report.ok).toBe(true);
    expect(report.warnings).toHaveLength(1);
    const second = await write(dir, [message(2)]);
    expect(second.head.seq).toBe(3);
    await second.close();
    expect(await verifyArchive(dir)).toMatchObject({ ok: true, records: 3, warnings: [] });
  });

  it('keeps files in order when the clock steps back across midnight', async () => {
    const dir = tempDir();
    const archive = await write(dir, [message(0, T0 + 5000), message(1, T0 - DAY)]);
    await archive.close();
    expect(files(dir)).toEqual(['vessels-2026-03-02.jsonl']);
    expect((await verifyArchive(dir)).ok).toBe(true);
  });
});

describe('archive through the hub', () => {
  it('archives vessel messages (NMEA, VMS, AIS) before the PUBACK, not station readings; CLI verifies', async () => {
    const t = await startTestHub();
    try {
      const client = await mqttClient(t.hub.mqttPort, { clientId: 'TTH-90123-TS' });
      const now = Math.floor(Date.now() / 1000) * 1000;
      const rmc = encodeRmc({ timeMs: now - 5000, lat: 16.6, lon: 107.7, sogKn: 6, cogDeg: 45 });
      await client.publishAsync('vessels/TTH-90123-TS/nmea', rmc, { qos: 1 });
      // Durable before the PUBACK: the record is in the file as soon as the publish resolves.
      const archiveDir = join(t.dir, 'data/archive');
      expect(files(archiveDir).flatMap((f) => lines(join(archiveDir, f)))).toHaveLength(1);
      const vms = {
        time: new Date(now - 4000).toISOString(),
        lat: 16.6,
        lon: 107.7,
        speed_kn: 6,
        course_deg: 45,
      };
      await client.publishAsync('vessels/TTH-90123-TS/vms', JSON.stringify(vms), { qos: 1 });
      await client.publishAsync('ais/rx-thuan-an', '!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26', {
        qos: 1,
      });
      await client.publishAsync('stations/hue-kim-long/readings', JSON.stringify({ values: { pm25: 20 } }), {
        qos: 1,
      });
      await client.publishAsync('vessels/TTH-90123-TS/nmea', 'garbage, still evidence of what was sent', {
        qos: 1,
      });
      await client.endAsync();
      const records = files(archiveDir)
        .flatMap((f) => lines(join(archiveDir, f)))
        .map((l) => parseRecordLine(l))
        .map((p) => (p.ok ? p.record.topic : 'bad'));
      expect(records).toEqual([
        'vessels/TTH-90123-TS/nmea',
        'vessels/TTH-90123-TS/vms',
        'ais/rx-thuan-an',
        'vessels/TTH-90123-TS/nmea',
      ]);
      const out: string[] = [];
      expect(await archiveCommand(['verify', '--dir', archiveDir], (l) => out.push(l))).toBe(0);
      expect(out[0]).toMatch(/archive intact: 4 records/);

      const file = join(archiveDir, files(archiveDir)[0] as string);
      writeFileSync(file, readFileSync(file, 'utf8').replace('garbage', 'harmless'));
      out.length = 0;
      expect(await archiveCommand(['verify', '--dir', archiveDir], (l) => out.push(l))).toBe(1);
      expect(out.join('\n')).toMatch(/ARCHIVE DAMAGED[\s\S]*edited: .* line 4 seq 4/);
    } finally {
      await t.stop();
    }
  });
});
