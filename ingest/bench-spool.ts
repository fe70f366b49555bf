/**
 * Micro-benchmark of the durable ingest path (a script that prints figures, not a test):
 *   1. spool only: append + fdatasync group commit, many publishers each waiting for its ack (QoS 1);
 *   2. end to end: spool + drainer + a real influxd, as fast as it goes;
 *   3. paced: a steady message rate, latency from append to "written" (p50/p99).
 * Usage: npx tsx ingest/bench-spool.ts [--url http://127.0.0.1:8086] [--lines 200000] [--rate 10000]
 * Without --url a private influxd is started in a temp directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { InfluxConfigSchema, SpoolConfigSchema } from '../config/schema.ts';
import { DurableWriter } from './durable.ts';
import { startInfluxd } from './influxd-process.ts';
import { Spool } from './spool.ts';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    lines: { type: 'string', default: '200000' },
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '5' },
    publishers: { type: 'string', default: '200' },
    inflight: { type: 'string', default: '4' },
    only: { type: 'string' },
  },
});
const LINES = Number(args.lines);
const PUBLISHERS = Number(args.publishers);
const log = pino({ level: 'warn' });
const T0 = 1_700_000_000_000_000_000n;
// A realistic line (~110 bytes): a vessel position.
const line = (i: number) =>
  `vessel_position,source=nmea,vessel=TTH-${90000 + (i % 500)}-TS cog_deg=54.7,lat=16.5${i % 1000},lon=107.6${i % 997},sog_kn=5.2 ${T0 + BigInt(i)}`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const tmp = mkdtempSync(join(tmpdir(), 'bench-spool-'));

/** `publishers` concurrent QoS 1 publishers, each with one message in flight: append, wait, next. */
function publish(
  append: (l: string[], done: (e: Error | null) => void) => void,
  total: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let acked = 0;
    const one = () => {
      if (next >= total) return;
      const i = next++;
      append([line(i)], (err) => {
        if (err) return reject(err);
        if (++acked === total) resolve();
        else one();
      });
    };
    for (let p = 0; p < PUBLISHERS; p++) one();
  });
}

async function spoolOnly(): Promise<void> {
  const spool = await Spool.open({
    dir: join(tmp, 'spool-only'),
    segmentBytes: 64 << 20,
    maxBytes: 10 * 1024 ** 3,
    log,
  });
  const started = performance.now();
  await publish((l, d) => spool.append(l, d), LINES);
  const s = (performance.now() - started) / 1000;
  console.log(
    `spool append+fdatasync: ${fmt(LINES / s)} lines/s (${PUBLISHERS} publishers, 1 line each), ` +
      `${fmt(spool.commits)} group commits, ${(LINES / spool.commits).toFixed(1)} lines/commit, ` +
      `${((s * 1000) / spool.commits).toFixed(2)} ms/commit`,
  );
  await spool.close();
}

async function openWriter(
  url: string,
  name: string,
  onWritten: (lines: number) => void,
): Promise<DurableWriter> {
  return DurableWriter.open({
    spool: SpoolConfigSchema.parse({ dir: join(tmp, name) }),
    influx: {
      ...InfluxConfigSchema.parse({
        database: `bench_${name}_${process.pid}`,
        maxInFlight: Number(args.inflight),
      }),
      url,
    },
    log,
    hooks: { written: (n) => onWritten(n), writeError: () => {}, rejected: () => {}, influxUp: () => {} },
  });
}

async function endToEnd(url: string): Promise<void> {
  let batches = 0;
  const writer = await openWriter(url, 'e2e', () => batches++);
  const started = performance.now();
  await publish((l, d) => writer.append(l, d), LINES);
  const spooled = (performance.now() - started) / 1000;
  await writer.flush(120_000);
  const s = (performance.now() - started) / 1000;
  console.log(
    `end to end (spool + influxd): ${fmt(LINES / s)} lines/s written ` +
      `(all spooled after ${spooled.toFixed(2)} s, written after ${s.toFixed(2)} s; ${batches} requests, ` +
      `${fmt(LINES / batches)} lines/request)`,
  );
  await writer.close();
}

/** Lines appended at a steady rate; a line counts as written when the writer has written as many lines. */
async function paced(url: string, rate: number, seconds: number): Promise<void> {
  const total = rate * seconds;
  const appendedAt = new Float64Array(total);
  const latencies: number[] = [];
  let written = 0;
  let requests = 0;
  const writer = await openWriter(url, 'paced', (n) => {
    const now = performance.now();
    requests++;
    for (let i = written; i < Math.min(total, written + n); i++) latencies.push(now - appendedAt[i]!);
    written += n;
  });
  let next = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; next < due; next++) {
        appendedAt[next] = performance.now();
        writer.append([line(next)], () => {});
      }
      if (next >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await writer.flush(60_000);
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1);
  console.log(
    `paced ${fmt(rate)} lines/s for ${seconds} s: append→written p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, ` +
      `max ${q(1)} ms; ${requests} requests, ${fmt(total / requests)} lines/request`,
  );
  await writer.close();
}

let stopInfluxd: (() => Promise<void>) | undefined;
try {
  let url = args.url;
  if (!url) {
    const influxd = await startInfluxd({ dir: join(tmp, 'influxd') });
    stopInfluxd = influxd.stop;
    url = influxd.url;
  }
  console.log(`lines ~${line(0).length + 1} bytes; InfluxDB ${url}`);
  if (!args.only || args.only === 'spool') await spoolOnly();
  if (!args.only || args.only === 'e2e') await endToEnd(url);
  if (!args.only || args.only === 'paced') await paced(url, Number(args.rate), Number(args.seconds));
} finally {
  await stopInfluxd?.();
  rmSync(tmp, { recursive: true, force: true });
}
