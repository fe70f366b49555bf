/**
 * What a bench run does: the scenarios, their sizes and durations for `--quick` (about three minutes in
 * all) and the full run (the 60 s sustained QoS 1, about seven minutes), and the command-line
 * options that select among them.
 */
import { parseArgs } from 'node:util';
import type { BrokerKind } from './target.ts';

export const SCENARIOS = ['qos1', 'paced', 'firehose', 'idle', 'alerts', 'cluster'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
export const BROKERS: readonly BrokerKind[] = ['aedes', 'mosquitto', 'hub'];

export interface Plan {
  mode: 'quick' | 'full';
  json: boolean;
  scenarios: ScenarioName[];
  brokers: BrokerKind[];
  /** Profile every hub during its scenario (V8's sampling profiler) and summarise where its time went. */
  profile: boolean;
  seed: number;
  qos1: { connections: number; window: number; hubMs: number; refMs: number };
  /** The target rate (every broker), and a lower one the hub sustains (its latency without queueing). */
  paced: { connections: number; window: number; rate: number; lowRate: number; durationMs: number };
  firehose: { connections: number; count: number };
  idle: { devices: number[]; concurrency: number };
  alerts: {
    durationMs: number;
    rules: number;
    backgroundConnections: number;
    backgroundRate: number;
    alertVessels: number;
    periodMs: number;
  };
}

export const BENCH_USAGE = `usage: hub bench [--quick] [--json] [--only qos1,paced,firehose,idle,alerts,cluster]
                 [--brokers hub,aedes,mosquitto] [--profile]
  --quick      about 3 minutes (QoS 1 sustained 15 s instead of 60 s; idle: 10,000 devices only)
  --json       print the results as one JSON object (progress goes to stderr)
  --profile    profile the hub during each scenario (V8 CPU profile) and summarise where its time goes
  INFLUX_URL (and INFLUX_TOKEN) use that InfluxDB instead of a private influxd`;

export class BenchUsageError extends Error {}

function list<T extends string>(text: string | undefined, allowed: readonly T[], flag: string): T[] {
  if (text === undefined) return [...allowed];
  const items = text.split(',').map((s) => s.trim()) as T[];
  for (const item of items)
    if (!allowed.includes(item))
      throw new BenchUsageError(`--${flag}: unknown "${item}" (${allowed.join(', ')})`);
  return items;
}

export function parsePlan(argv: string[]): Plan | 'help' {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      brokers: { type: 'string' },
      profile: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (v.help) return 'help';
  const quick = v.quick === true;
  return {
    mode: quick ? 'quick' : 'full',
    json: v.json === true,
    scenarios: list(v.only, SCENARIOS, 'only'),
    brokers: list(v.brokers, BROKERS, 'brokers'),
    profile: v.profile === true,
    seed: Number(v.seed) || 1,
    qos1: { connections: 1000, window: 10, hubMs: quick ? 15_000 : 60_000, refMs: quick ? 8_000 : 15_000 },
    paced: {
      connections: 1000,
      window: 10,
      rate: 10_000,
      lowRate: 2000,
      durationMs: quick ? 10_000 : 20_000,
    },
    firehose: { connections: 100, count: quick ? 100_000 : 200_000 },
    idle: { devices: quick ? [10_000] : [10_000, 50_000], concurrency: 200 },
    alerts: {
      durationMs: quick ? 10_000 : 20_000,
      rules: 100,
      backgroundConnections: 1000,
      // Well within the hub's capacity: the latency of alerts, not of a saturated hub.
      backgroundRate: 1000,
      alertVessels: 10,
      periodMs: 200,
    },
  };
}
