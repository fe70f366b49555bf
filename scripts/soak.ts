/**
 * Soak run (a script, not a test): a real hub process under the simulators at a steady rate for a set
 * time, sampled every second — RSS, event-loop delay (p99 and max, from the hub's /metrics), spool depth —
 * then drained and checked for anything lost: publishes not acknowledged, spooled lines never written to
 * InfluxDB (the writer's own record), an evidence archive that does not verify.
 *
 *   node --import tsx scripts/soak.ts [--duration 60] [--vessels 100] [--speedup 60] [--load-rate 500]
 *                                     [--load-connections 10] [--influx-url URL] [--json]
 *
 * Without --influx-url it starts a private influxd (Debian's `influxdb`) on a free loopback port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyArchive } from '../ingest/archive-verify.ts';
import { startInfluxd } from '../ingest/influxd-process.ts';
import type { Device } from '../ingest/registry.ts';
import { analyseRecord } from '../ingest/spool-record.ts';
import { camerasRegistry, fleetRegistry, startCameras, startFleet, startLoad } from '../simulators/index.ts';
import { childConfig, startHubProcess, writeConfig } from '../test/reliability/hub-process.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    vessels: { type: 'string', default: '100' },
    speedup: { type: 'string', default: '60' },
    'load-rate': { type: 'string', default: '500' },
    'load-connections': { type: 'string', default: '10' },
    'influx-url': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const durationS = Number(values.duration);
const vessels = Number(values.vessels);
const speedup = Number(values.speedup);
const loadRate = Number(values['load-rate']);
const loadConnections = Number(values['load-connections']);
const MB = 1024 * 1024;
const say = (line: string) => {
  if (!values.json) console.log(line);
};

function metric(text: string, name: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

const dir = mkdtempSync(join(tmpdir(), 'hub-soak-'));
const stops: Array<() => Promise<unknown>> = [];
try {
  let influxUrl = values['influx-url'];
  if (!influxUrl) {
    const influxd = await startInfluxd({ dir: join(dir, 'influxd') });
    stops.unshift(() => influxd.stop());
    influxUrl = influxd.url;
  }
  const fleetPlan = { vessels, seed: 1 };
  const loadPlan = { vessels: loadConnections, seed: 'soak-load' };
  const devices = new Map<string, Device>();
  for (const d of [...fleetRegistry(fleetPlan), ...fleetRegistry(loadPlan), ...camerasRegistry()])
    devices.set(d.id, d);
  const config = childConfig(dir, influxUrl, 'soak', {
    devices: { entries: [...devices.values()] },
    broker: { maxPublishPerSecond: 0 },
  });
  const hub = await startHubProcess(writeConfig(dir, config));
  stops.unshift(() => hub.kill('SIGKILL'));
  const url = `mqtt://127.0.0.1:${hub.mqttPort}`;
  const metricsText = async () => (await fetch(`http://127.0.0.1:${hub.httpPort}/metrics`)).text();
  const health = async () =>
    (await (await fetch(`http://127.0.0.1:${hub.httpPort}/health`)).json()) as {
      components: { spool: { lines?: number; spoolLines?: number } };
    };
  say(
    `soak: hub pid ${hub.pid} mqtt ${hub.mqttPort}, ${durationS} s, ${vessels} vessels ×${speedup}, load ${loadRate}/s QoS 1`,
  );

  const rssStart = hub.rss();
  const fleet = await startFleet({ ...fleetPlan, url, speedup, qos: 1 });
  stops.unshift(() => fleet.stop());
  const cameras = await startCameras({ url, speedup, seed: 1 });
  stops.unshift(() => cameras.stop());
  const load = await startLoad({
    url,
    connections: loadConnections,
    qos: 1,
    rate: loadRate,
    durationMs: durationS * 1000,
    seed: 'soak-load',
  });
  stops.unshift(() => load.stop());

  const samples: Array<{
    t: number;
    rssMb: number;
    lagP99Ms: number;
    lagMaxMs: number;
    spool: number;
    msgsIn: number;
  }> = [];
  const started = Date.now();
  while (Date.now() - started < durationS * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const text = await metricsText();
    const h = await health();
    const sample = {
      t: Math.round((Date.now() - started) / 1000),
      rssMb: Math.round(hub.rss() / MB),
      lagP99Ms: Math.round(metric(text, 'nodejs_eventloop_lag_p99_seconds') * 1000),
      lagMaxMs: Math.round(metric(text, 'nodejs_eventloop_lag_max_seconds') * 1000),
      spool: h.components.spool.lines ?? h.components.spool.spoolLines ?? 0,
      msgsIn: metric(text, 'hub_messages_in_total'),
    };
    samples.push(sample);
    if (sample.t % 10 === 0)
      say(
        `  t=${sample.t}s rss ${sample.rssMb} MB, loop p99 ${sample.lagP99Ms} ms, spool ${sample.spool}, in ${sample.msgsIn}`,
      );
  }

  const loadReport = await load.done;
  await cameras.stop();
  await fleet.stop();
  const fleetStats = fleet.stats();
  const cameraStats = cameras.stats();
  // Drained: everything the hub acknowledged reaches InfluxDB.
  const drainStarted = Date.now();
  let spoolLeft = -1;
  while (Date.now() - drainStarted < 60_000) {
    const h = await health();
    spoolLeft = h.components.spool.lines ?? h.components.spool.spoolLines ?? 0;
    if (spoolLeft === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const text = await metricsText();
  await hub.kill('SIGTERM');
  const record = analyseRecord(join(dir, 'sent.log'));
  const archive = await verifyArchive(join(dir, 'archive'));

  const msgsIn = metric(text, 'hub_messages_in_total');
  const published = loadReport.sent + fleetStats.published + cameraStats.published;
  const unacked = loadReport.sent - loadReport.acked + fleetStats.errors + cameraStats.errors;
  const lost = unacked + Math.max(0, spoolLeft) + record.gaps.reduce((n, g) => n + g.to - g.from, 0);
  const summary = {
    durationS,
    messages: { published, hubIn: msgsIn, ratePerS: Math.round(msgsIn / durationS) },
    load: { sent: loadReport.sent, acked: loadReport.acked, pubackP99Ms: loadReport.latencyMs.p99 },
    fleet: { published: fleetStats.published, errors: fleetStats.errors },
    cameras: { published: cameraStats.published, errors: cameraStats.errors },
    points: {
      accepted: metric(text, 'hub_points_accepted_total'),
      written: metric(text, 'hub_points_written_total'),
    },
    deadLetters: metric(text, 'hub_deadletters_total'),
    rssMb: {
      start: Math.round(rssStart / MB),
      peak: Math.max(...samples.map((s) => s.rssMb)),
      end: samples.at(-1)?.rssMb ?? 0,
    },
    eventLoopMs: {
      p99Max: Math.max(...samples.map((s) => s.lagP99Ms)),
      max: Math.max(...samples.map((s) => s.lagMaxMs)),
    },
    spoolPeak: Math.max(...samples.map((s) => s.spool)),
    writerRecord: {
      linesSent: record.linesSent,
      distinct: record.distinctLines,
      duplicates: record.duplicateLines,
    },
    archive: { ok: archive.ok, records: archive.records },
    lost: { unacknowledged: unacked, spoolLeft, recordGaps: record.gaps.length, total: lost },
  };
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else {
    say(`\nsoak summary (${durationS} s):`);
    say(
      `  messages      ${summary.messages.hubIn} in (${summary.messages.ratePerS}/s), published ${published}`,
    );
    say(
      `  points        ${summary.points.accepted} accepted, ${summary.points.written} written, ${summary.deadLetters} dead letters`,
    );
    say(
      `  RSS           ${summary.rssMb.start} MB → peak ${summary.rssMb.peak} MB, end ${summary.rssMb.end} MB`,
    );
    say(`  event loop    p99 ≤ ${summary.eventLoopMs.p99Max} ms, max ${summary.eventLoopMs.max} ms`);
    say(`  PUBACK p99    ${summary.load.pubackP99Ms} ms (load)`);
    say(`  spool peak    ${summary.spoolPeak} lines`);
    say(`  archive       ${archive.ok ? 'intact' : 'DAMAGED'}, ${archive.records} records`);
    say(
      `  lost          ${lost} (unacknowledged ${unacked}, left in spool ${spoolLeft}, record gaps ${record.gaps.length})`,
    );
  }
  process.exitCode = lost === 0 && archive.ok ? 0 : 1;
} finally {
  for (const stop of stops) await stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
