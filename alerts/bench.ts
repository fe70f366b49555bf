/**
 * Decision-time benchmark of the alert engine's hot path (`npx tsx alerts/bench.ts`): the bundled Hue
 * rules plus generated thresholds, 100 rules in all, fed a mixed stream of points; prints the p50/p99
 * time of one `onPoints` call. A script that prints figures, not a test (STYLE.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { msToNs, type Point } from '../ingest/point.ts';
import { Registry } from '../ingest/registry.ts';
import { AlertsConfigSchema } from './config.ts';
import { DEFAULT_RULES_FILE, readRulesFile } from './rule-loader.ts';
import { AlertService } from './service.ts';

const RULES = 100;
const POINTS = 200_000;
const stateDir = mkdtempSync(join(tmpdir(), 'alerts-bench-'));
const defaults = readRulesFile(DEFAULT_RULES_FILE);
const fields = ['pm25', 'pm10', 'no2', 'so2', 'o3', 'co', 'temp_c', 'humidity_pct'];
const extra = Array.from({ length: RULES - defaults.length }, (_, i) => ({
  kind: 'threshold' as const,
  id: `bench-${i}`,
  department: 'environment',
  severity: 'info' as const,
  measurement: 'environment',
  where: { medium: 'air' },
  groupBy: ['station'],
  field: fields[i % fields.length] as string,
  above: 1000 + i,
  for: '5m',
  message: '{station} {value}',
}));
const config = AlertsConfigSchema.parse({ rules: extra, rulesFile: DEFAULT_RULES_FILE, stateDir });
let now = Date.now();
const service = new AlertService({
  config,
  baseDir: stateDir,
  registry: new Registry([]),
  log: pino({ level: 'silent' }),
  now: () => now,
  instance: 'bench',
  publish: async () => {},
  writePoints: () => {},
  tickMs: 0,
  saveIntervalMs: 3_600_000,
});
await service.start();

function pointAt(i: number): Point {
  const time = msToNs(now);
  switch (i % 3) {
    case 0:
      return {
        measurement: 'vessel_position',
        tags: { vessel: `TTH-${90000 + (i % 2000)}-TS`, source: 'vms' },
        fields: { lat: 16.6 + (i % 97) / 100, lon: 107.7 + (i % 89) / 100, sog_kn: 5 },
        time,
      };
    case 1:
      return {
        measurement: 'environment',
        tags: { station: `station-${i % 200}`, medium: 'air' },
        fields: { pm25: 20 + (i % 40), pm10: 40, no2: 30, temp_c: 30, humidity_pct: 80, aqi: 60 },
        time,
      };
    default:
      return {
        measurement: 'camera_event',
        tags: { camera: `cam-${i % 50}`, label: 'car', type: 'new' },
        fields: { event_id: `e${i}`, score: 0.9 },
        time,
      };
  }
}

const samples: number[] = [];
for (let i = 0; i < POINTS; i++) {
  now += 5;
  const t = performance.now();
  service.onPoints([pointAt(i)], now);
  samples.push(performance.now() - t);
  if (i % 200 === 0) {
    service.tick();
    // Let deliveries run, as the event loop does between MQTT messages.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
samples.sort((a, b) => a - b);
const q = (p: number) => (samples[Math.floor(samples.length * p)] ?? 0).toFixed(4);
console.log(
  `${RULES} rules, ${POINTS} points: decision p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1 - 1e-9)} ms`,
);
const m = service.metrics();
console.log(
  `service: p99 of the last 1024 calls ${m.decisionMsP99.toFixed(4)} ms; firing ${m.firing}, pending ${m.pending}`,
);
console.log(`transitions recorded: ${service.history(0, Number.MAX_SAFE_INTEGER).length}`);
await service.stop();
rmSync(stateDir, { recursive: true, force: true });
