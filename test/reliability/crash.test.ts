/**
 * Crash test: a real hub process takes a stream of QoS 1 VMS reports, is killed with SIGKILL mid-stream,
 * and restarts on the same spool: every report it acknowledged is in InfluxDB and in the evidence
 * archive, whose chain still verifies. Duplicates are counted from the writer's own record of what it
 * sent, since InfluxDB overwrites a point written twice without a trace.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecordLine, recordPayload } from '../../ingest/archive-record.ts';
import { verifyArchive } from '../../ingest/archive-verify.ts';
import { analyseRecord } from '../../ingest/spool-record.ts';
import { eventually } from '../helpers/hub.ts';
import { query, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';
import { childConfig, type HubProcess, startHubProcess, writeConfig } from './hub-process.ts';
import { publishWindowed, RawMqtt } from './raw-mqtt.ts';

const VESSEL = 'TTH-95001-TS';
const KILL_AFTER_ACKS = 3000;
const dirs: string[] = [];
const hubs: HubProcess[] = [];
afterAll(async () => {
  for (const hub of hubs) await hub.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function report(base: number, i: number): string {
  return JSON.stringify({
    time: new Date(base + i * 10).toISOString(),
    lat: 16.6 + (i % 1000) * 1e-4,
    lon: 107.7,
    speed_kn: 6.5,
    course_deg: 45,
    seq: i,
  });
}

async function spoolEmpty(hub: HubProcess): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${hub.httpPort}/health`);
  const health = (await res.json()) as { components: { spool: { lines?: number } } };
  return health.components.spool.lines === 0;
}

describe('crash (kill -9) mid-stream', () => {
  it('loses no acknowledged message, in InfluxDB or in the archive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-crash-'));
    dirs.push(dir);
    const url = await sharedInfluxUrl();
    const database = uniqueDatabase('crash');
    const configFile = writeConfig(
      dir,
      childConfig(dir, url, database, { broker: { maxPublishPerSecond: 0 } }),
    );

    const first = await startHubProcess(configFile);
    hubs.push(first);
    const client = await RawMqtt.connect(first.mqttPort, { clientId: VESSEL });
    const base = Date.now() - 30 * 60_000;
    const acked = new Set<number>();
    let killed: Promise<void> | undefined;
    await publishWindowed(
      client,
      200_000,
      (i) => ({ topic: `vessels/${VESSEL}/vms`, payload: report(base, i) }),
      {
        window: 100,
        acked: (i) => {
          acked.add(i);
          if (acked.size === KILL_AFTER_ACKS) killed = first.kill('SIGKILL');
        },
      },
    );
    await killed;
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    client.destroy();

    const second = await startHubProcess(configFile);
    hubs.push(second);
    expect(await eventually(() => spoolEmpty(second), 30_000, 200)).toBe(true);

    const rows = await query(
      url,
      database,
      `SELECT "seq" FROM "vessel_position" WHERE "vessel" = '${VESSEL}'`,
    );
    const stored = new Set(rows.map((r) => r.seq as number));
    const missing = [...acked].filter((i) => !stored.has(i));
    expect(missing).toEqual([]);

    await second.kill('SIGTERM');
    const sent = analyseRecord(join(dir, 'sent.log'));
    expect(sent.gaps).toEqual([]);
    // Duplicates are legal (a batch written just before the kill is sent again); counted for the README.
    console.info(
      `crash: ${acked.size} acknowledged, ${stored.size} stored, ${sent.duplicateLines} lines sent twice of ${sent.distinctLines}`,
    );

    const archive = await verifyArchive(join(dir, 'archive'));
    expect(archive.problems).toEqual([]);
    const archived = new Set<number>();
    for (const file of readdirSync(join(dir, 'archive')).filter((f) => f.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(dir, 'archive', file), 'utf8').split('\n')) {
        const parsed = line ? parseRecordLine(line) : undefined;
        if (parsed?.ok)
          archived.add((JSON.parse(recordPayload(parsed.record).toString()) as { seq: number }).seq);
      }
    }
    expect([...acked].filter((i) => !archived.has(i))).toEqual([]);
  });
});
