import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseRecord } from '../../ingest/spool-record.ts';
import { countPoints, createDatabase, query, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';
import { appendAll, appendRange, DurableWriter, durableOptions, hookLog, point } from './durable-helpers.ts';
import { privateInfluxdPerSuite } from './private-influxd.ts';

describe('InfluxDB writer against a real influxd', () => {
  let url: string;
  beforeAll(async () => {
    url = await sharedInfluxUrl();
  });

  it('creates the database and writes every appended line, each once', async () => {
    const db = uniqueDatabase('writer');
    const hooks = hookLog();
    const writer = await DurableWriter.open(durableOptions(url, db, { hooks }));
    await appendRange(writer, 0, 12_000);
    expect(await writer.flush(20_000)).toBe(true);
    expect(await countPoints(url, db, 'm')).toBe(12_000);
    const stats = writer.stats();
    expect(stats).toMatchObject({ spoolLines: 0, linesSent: 12_000, influxUp: true });
    // maxBatchLines (5000) caps a batch: at least three batches for 12,000 lines.
    expect(stats.batchesSent).toBeGreaterThanOrEqual(3);
    expect(hooks.writtenLines).toBe(12_000);
    expect(hooks.upChanges).toEqual([true]);
    await writer.close();
  });

  it('isolates a line InfluxDB refuses (field type conflict) and writes all the others', async () => {
    const db = uniqueDatabase('refused');
    await createDatabase(url, db);
    const hooks = hookLog();
    const writer = await DurableWriter.open(durableOptions(url, db, { hooks }));
    await appendAll(writer, ['m,k=a v=1i 1']); // v is an integer from now on
    expect(await writer.flush(10_000)).toBe(true);
    const lines = Array.from({ length: 50 }, (_, i) => point(i + 2));
    const bad = 'm,k=b v="not a number" 17';
    lines.splice(15, 1, bad);
    await appendAll(writer, lines);
    expect(await writer.flush(10_000)).toBe(true);
    expect(hooks.rejectedLines.map((r) => r.line)).toEqual([bad]);
    expect(hooks.rejectedLines[0]!.error).toMatch(/field type conflict/);
    expect(await countPoints(url, db, 'm')).toBe(50);
    expect(writer.stats().linesSent).toBe(50);
    const rows = await query(url, db, 'SELECT v FROM m WHERE time = 17');
    expect(rows).toHaveLength(0);
    await writer.close();
  });

  it('keeps going when the server is unreachable at start and writes once it is there', async () => {
    // Port 9 (discard) has no listener here, and no test's port-0 server can ever be given it.
    const deadUrl = 'http://127.0.0.1:9';
    const dir = mkdtempSync(join(tmpdir(), 'durable-unreachable-'));
    const db = uniqueDatabase('late');
    const hooks = hookLog();
    const writer = await DurableWriter.open(durableOptions(deadUrl, db, { dir, hooks }));
    await appendRange(writer, 0, 300);
    expect(await writer.flush(300)).toBe(false);
    expect(writer.stats()).toMatchObject({ spoolLines: 300, linesSent: 0, influxUp: false });
    expect(hooks.errors).toContain('network');
    await writer.close();
    // The lead restarts the hub with the server back: the spool drains first, the database is created.
    const again = await DurableWriter.open(durableOptions(url, db, { dir }));
    expect(again.stats().spoolLines).toBe(300);
    expect(await again.flush(10_000)).toBe(true);
    expect(await countPoints(url, db, 'm')).toBe(300);
    await again.close();
  });
});

describe('InfluxDB outage', () => {
  const privateServer = privateInfluxdPerSuite();

  it('retries while the server is away and writes every line once, none twice, after it returns', async () => {
    const influxd = privateServer();
    const db = uniqueDatabase('outage');
    const recordFile = join(mkdtempSync(join(tmpdir(), 'record-')), 'sent.log');
    const hooks = hookLog();
    const writer = await DurableWriter.open(durableOptions(influxd.url, db, { hooks, recordFile }));
    await appendRange(writer, 0, 1000);
    expect(await writer.flush(10_000)).toBe(true);

    await influxd.stop();
    await appendRange(writer, 1000, 6000);
    await new Promise((r) => setTimeout(r, 500)); // several failed attempts
    expect(writer.stats()).toMatchObject({ influxUp: false, spoolLines: 5000 });
    expect(hooks.errors.length).toBeGreaterThan(1);
    expect(hooks.errors.every((kind) => kind === 'network')).toBe(true);

    await influxd.start();
    expect(await writer.flush(15_000)).toBe(true);
    expect(await countPoints(influxd.url, db, 'm')).toBe(6000);
    expect(writer.stats().linesSent).toBe(6000);
    expect(hooks.upChanges).toEqual([true, false, true]);
    await writer.close();
    const record = analyseRecord(recordFile);
    expect(record).toMatchObject({ linesSent: 6000, distinctLines: 6000, duplicateLines: 0, gaps: [] });
  });
});
