import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseRecord } from '../../ingest/spool-record.ts';
import { countPoints, query, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';
import { appendRange, DurableWriter, durableOptions, hookLog } from './durable-helpers.ts';
import { privateInfluxdPerSuite } from './private-influxd.ts';

/** Runs crash-child.ts until it has seen `target` lines acknowledged, then SIGKILLs it. */
function runAndKill(args: string[], target: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts'), ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let acked = -1;
    let tail = '';
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdout?.on('data', (c: Buffer) => {
      const text = tail + c.toString();
      const lines = text.split('\n');
      tail = lines.pop() ?? '';
      for (const l of lines) acked = Math.max(acked, Number(l.slice(6)));
      if (acked + 1 >= target) child.kill('SIGKILL');
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked + 1);
      else reject(new Error(`crash child exited (${code}) before the kill: ${stderr}`));
    });
  });
}

describe('durability', () => {
  it('keeps every acknowledged line across kill -9 and a restart, duplicates counted from the record', async () => {
    const url = await sharedInfluxUrl();
    const db = uniqueDatabase('crash');
    const dir = mkdtempSync(join(tmpdir(), 'durable-crash-'));
    const recordFile = join(dir, 'sent.log');
    const spoolDir = join(dir, 'spool');
    const acked = await runAndKill([spoolDir, url, db, recordFile], 20_000);
    expect(acked).toBeGreaterThanOrEqual(20_000);

    const writer = await DurableWriter.open(
      durableOptions(url, db, { dir: spoolDir, recordFile, spool: { segmentBytes: 256 * 1024 } }),
    );
    expect(await writer.flush(20_000)).toBe(true);
    await writer.close();

    const record = analyseRecord(recordFile);
    expect(record.gaps).toEqual([]);
    expect(record.distinctLines).toBeGreaterThanOrEqual(acked);
    // Every line that reached the spool reached InfluxDB; those acknowledged to the publisher among them.
    expect(await countPoints(url, db, 'm')).toBe(record.distinctLines);
    const [row] = await query(url, db, `SELECT COUNT(v) FROM m WHERE time < ${acked}`);
    expect(row?.count).toBe(acked);
    // A kill loses at most the cursor of the batches in flight: re-sends stay a small fraction.
    expect(record.duplicateLines).toBeLessThanOrEqual(4 * 5000);
  });

  describe('a long InfluxDB outage', () => {
    const privateServer = privateInfluxdPerSuite();

    it('holds 100,000 points on disk while InfluxDB is down and writes them all once it returns', async () => {
      const influxd = privateServer();
      await influxd.stop();
      const db = uniqueDatabase('outage');
      const hooks = hookLog();
      const writer = await DurableWriter.open(durableOptions(influxd.url, db, { hooks }));
      await appendRange(writer, 0, 100_000);
      const during = writer.stats();
      expect(during).toMatchObject({ spoolLines: 100_000, linesSent: 0, influxUp: false });
      expect(during.spoolBytes).toBeGreaterThan(100_000 * 10);

      await influxd.start();
      expect(await writer.flush(25_000)).toBe(true);
      expect(await countPoints(influxd.url, db, 'm')).toBe(100_000);
      expect(writer.stats()).toMatchObject({ spoolLines: 0, linesSent: 100_000, influxUp: true });
      await writer.close();
    });
  });
});
