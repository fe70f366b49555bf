import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffMs } from '../../ingest/drainer.ts';
import { Spool, type SpoolChunk } from '../../ingest/spool.ts';
import { analyseRanges } from '../../ingest/spool-record.ts';

const log = pino({ level: 'silent' });
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spool-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const open = (over: { segmentBytes?: number; maxBytes?: number } = {}) =>
  Spool.open({ dir, segmentBytes: 1 << 20, maxBytes: 1 << 30, log, ...over });

const appendAsync = (spool: Spool, lines: string[]) =>
  new Promise<void>((res, rej) => spool.append(lines, (err) => (err ? rej(err) : res())));

const line = (i: number) => `m,k=a v=${i} ${1_700_000_000_000_000_000n + BigInt(i)}`;

/** Every committed line from the spool's cursor on, in chunks of `maxLines`. */
async function readAll(
  spool: Spool,
  maxLines = 1_000_000,
): Promise<{ lines: string[]; chunks: SpoolChunk[] }> {
  const chunks: SpoolChunk[] = [];
  let at = spool.position;
  for (;;) {
    const chunk = await spool.read(at, maxLines);
    if (!chunk) break;
    chunks.push(chunk);
    at = chunk.end;
  }
  const lines = chunks.flatMap((c) => c.body.toString().split('\n').slice(0, -1));
  return { lines, chunks };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

/** Acknowledges chunks as the drainer does once InfluxDB took them. */
function ack(spool: Spool, chunks: SpoolChunk[]): void {
  const lines = chunks.reduce((n, c) => n + c.lines, 0);
  const bytes = chunks.reduce((n, c) => n + c.body.length, 0);
  spool.ack(chunks[chunks.length - 1]!.end, lines, bytes);
}

const segmentFiles = () => readdirSync(dir).filter((f) => f.startsWith('seg-'));

describe('group commit', () => {
  it('commits appends of one turn together and calls back strictly in append order', async () => {
    const spool = await open();
    const order: number[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < 200; i++)
      all.push(new Promise((res) => spool.append([line(i)], () => res(void order.push(i)))));
    await Promise.all(all);
    expect(order).toEqual([...Array(200).keys()]);
    expect(spool.commits).toBe(1);
    expect(spool.lines).toBe(200);
    await spool.close();
  });

  it('gathers the appends made while a sync is in flight into the next group', async () => {
    const spool = await open();
    const order: number[] = [];
    const done = (i: number) => (err: Error | null) => {
      expect(err).toBeNull();
      order.push(i);
    };
    for (let i = 0; i < 50; i++) spool.append([line(i)], done(i));
    // After this turn the first group is being written; these 50 wait for the next one.
    await new Promise((r) => setImmediate(r));
    for (let i = 50; i < 100; i++) spool.append([line(i)], done(i));
    await until(() => order.length === 100);
    expect(order).toEqual([...Array(100).keys()]);
    expect(spool.commits).toBe(2);
    await spool.close();
  });

  it('refuses a line holding a line break without disturbing the order of the others', async () => {
    const spool = await open();
    const results: Array<string | null> = [];
    spool.append([line(1)], (err) => results.push(err ? 'err' : null));
    spool.append(['m v=1 1\nm v=2 2'], (err) =>
      results.push((err as { code?: string } | null)?.code ?? null),
    );
    spool.append([line(3)], (err) => results.push(err ? 'err' : null));
    await until(() => results.length === 3);
    expect(results).toEqual([null, 'HUB_ERR_SPOOL_BAD_LINE', null]);
    expect((await readAll(spool)).lines).toEqual([line(1), line(3)]);
    await spool.close();
  });
});

describe('recovery', () => {
  it('keeps every committed line across a reopen and cuts a torn last line', async () => {
    let spool = await open();
    await appendAsync(
      spool,
      Array.from({ length: 20 }, (_, i) => line(i)),
    );
    await spool.close();
    const [segment] = segmentFiles();
    appendFileSync(join(dir, segment!), 'm,k=a v=99 17000'); // a crash in the middle of a write
    spool = await open();
    expect(spool.lines).toBe(20);
    await appendAsync(spool, [line(20)]);
    const { lines } = await readAll(spool);
    expect(lines).toEqual(Array.from({ length: 21 }, (_, i) => line(i)));
    expect(readFileSync(join(dir, segment!), 'utf8').endsWith(`${line(20)}\n`)).toBe(true);
    await spool.close();
  });

  it('resumes from the saved cursor, with line numbers that continue where they stopped', async () => {
    let spool = await open();
    await appendAsync(
      spool,
      Array.from({ length: 10 }, (_, i) => line(i)),
    );
    const first = await spool.read(spool.position, 4);
    ack(spool, [first!]);
    await spool.close();
    spool = await open();
    expect(spool.lines).toBe(6);
    expect(spool.position.line).toBe(4);
    const { lines, chunks } = await readAll(spool);
    expect(lines).toEqual(Array.from({ length: 6 }, (_, i) => line(i + 4)));
    expect(chunks[0]!.start.line).toBe(4);
    await spool.close();
  });

  it('sends a segment again when the cursor file is unreadable (a re-send overwrites itself)', async () => {
    let spool = await open();
    await appendAsync(spool, [line(1), line(2)]);
    const chunk = await spool.read(spool.position, 1);
    ack(spool, [chunk!]);
    await spool.close();
    appendFileSync(join(dir, 'cursor.json'), '}garbage');
    spool = await open();
    expect((await readAll(spool)).lines).toEqual([line(1), line(2)]);
    await spool.close();
  });
});

describe('segments', () => {
  it('rolls at segmentBytes and deletes a segment once the cursor has passed it', async () => {
    const spool = await open({ segmentBytes: 4096 });
    for (let i = 0; i < 300; i++) await appendAsync(spool, [line(i)]);
    expect(segmentFiles().length).toBeGreaterThanOrEqual(3);
    const { lines, chunks } = await readAll(spool, 50);
    expect(lines).toEqual(Array.from({ length: 300 }, (_, i) => line(i)));
    for (const c of chunks) expect(c.body.length).toBeLessThanOrEqual(4096);
    ack(spool, chunks);
    await until(() => segmentFiles().length === 1);
    expect(segmentFiles()).toHaveLength(1);
    expect(spool.lines).toBe(0);
    expect(spool.bytes).toBeLessThanOrEqual(4096);
    await spool.close();
  });

  it('reports full at maxBytes of unsent lines, refuses appends beyond it, and has room once drained', async () => {
    const spool = await open({ segmentBytes: 4096, maxBytes: 8192 });
    let refused: Error | null = null;
    let accepted = 0;
    while (!refused) {
      refused = await appendAsync(spool, [line(accepted)]).then(
        () => null,
        (err: Error) => err,
      );
      if (!refused) accepted++;
    }
    expect((refused as { code?: string }).code).toBe('HUB_ERR_SPOOL_FULL');
    expect(spool.backlogBytes).toBeLessThanOrEqual(8192);
    expect(spool.backlogBytes + line(accepted).length + 1).toBeGreaterThan(8192);
    // What it holds is intact.
    const { lines, chunks } = await readAll(spool);
    expect(lines).toEqual(Array.from({ length: accepted }, (_, i) => line(i)));
    ack(spool, chunks);
    expect(spool.backlogBytes).toBe(0);
    expect(spool.isFull()).toBe(false);
    await appendAsync(spool, [line(accepted)]);
    await spool.close();
  });

  it('is never stuck full when a segment is larger than the cap', async () => {
    const spool = await open({ segmentBytes: 1 << 20, maxBytes: 4096 });
    for (let round = 0; round < 3; round++) {
      let full = false;
      while (!full)
        full = await appendAsync(spool, [line(round)]).then(
          () => false,
          () => true,
        );
      ack(spool, (await readAll(spool)).chunks);
      expect(spool.backlogBytes).toBe(0);
      await appendAsync(spool, [line(round)]);
    }
    await spool.close();
  });

  it('refuses appends once closed, after committing those made before', async () => {
    const spool = await open();
    const results: Array<string | null> = [];
    spool.append([line(1)], (err) => results.push(err ? 'err' : null));
    const closing = spool.close();
    spool.append([line(2)], (err) => results.push((err as { code?: string } | null)?.code ?? null));
    await closing;
    await until(() => results.length === 2);
    expect(results).toEqual([null, 'HUB_ERR_SPOOL_CLOSED']);
  });
});

describe('backoff', () => {
  it('grows exponentially between retryMinMs and retryMaxMs, with jitter', () => {
    expect(backoffMs(1, 100, 30_000, () => 0)).toBe(100);
    expect(backoffMs(4, 100, 30_000, () => 0)).toBe(400);
    expect(backoffMs(4, 100, 30_000, () => 1)).toBe(800);
    expect(backoffMs(40, 100, 30_000, () => 1)).toBe(30_000);
    expect(backoffMs(40, 100, 30_000, () => 0)).toBe(15_000);
  });
});

describe('send record analysis', () => {
  it('finds lines sent twice and lines never sent', () => {
    const a = analyseRanges([
      { segment: 1, from: 0, to: 100 },
      { segment: 1, from: 100, to: 150 },
      { segment: 1, from: 120, to: 180 }, // re-sent after a crash
      { segment: 2, from: 10, to: 20 }, // 0-10 missing
    ]);
    expect(a).toMatchObject({ linesSent: 220, distinctLines: 190, duplicateLines: 30 });
    expect(a.overlaps).toEqual([{ segment: 1, from: 120, to: 150 }]);
    expect(a.gaps).toEqual([{ segment: 2, from: 0, to: 10 }]);
  });
});
