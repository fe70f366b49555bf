/**
 * Alert latency with 100 threshold rules in force: a background load of vessel positions (which every
 * rule evaluates and none fires on), and a few "alert vessels" whose speed jumps above the firing rule's
 * threshold and back, each jump a firing transition and each return a resolved one, published by the
 * hub on `alerts/bench/...`. An operator subscriber measures, per alert message:
 * - receipt → alert message: arrival time − the transition's `time_ms` (the hub's receipt time);
 * - publish → alert message (firing only): arrival − the publish time of the matching fast position.
 */
import { encodeGga, encodeRmc } from '../adapters/nmea/encode.ts';
import { planFleet } from '../simulators/fleet/vessels.ts';
import { LoadConnection } from '../simulators/load/connection.ts';
import { LatencyRecorder } from '../simulators/load/latency.ts';
import { runPaced } from './paced-load.ts';
import { ProcWindow } from './proc-stats.ts';
import { type Summary, summarize } from './stats.ts';
import { Subscriber } from './subscriber.ts';
import type { InsideSample, Target } from './target.ts';

export const ALERT_DEPARTMENT = 'bench';
export const OPERATOR_ID = 'bench-operator';
const FIRE_ABOVE_KN = 15;
const HIGH_KN = 20;
const LOW_KN = 2;

/** One rule that fires (speed above 15 kn) and 99 that are evaluated on every position and never fire. */
export function benchRules(count = 100): unknown[] {
  const common = {
    kind: 'threshold',
    department: ALERT_DEPARTMENT,
    measurement: 'vessel_position',
    groupBy: ['vessel'],
  };
  const fields = ['sog_kn', 'hdop', 'cog_deg', 'lat'];
  return [
    {
      ...common,
      id: 'bench-speed',
      severity: 'warning',
      message: '{vessel} at {value} kn',
      field: 'sog_kn',
      above: FIRE_ABOVE_KN,
    },
    ...Array.from({ length: count - 1 }, (_, i) => ({
      ...common,
      id: `bench-quiet-${i}`,
      severity: 'info',
      message: 'never',
      field: fields[i % fields.length],
      above: 1000 + i,
    })),
  ];
}

export interface AlertSpec {
  durationMs: number;
  backgroundConnections: number;
  backgroundRate: number;
  alertVessels: number;
  /** Each alert vessel publishes this often, alternating fast and slow. */
  periodMs: number;
  password: string;
  seed: number;
}

export interface AlertResult {
  scenario: 'alert-latency';
  rules: number;
  backgroundRate: number;
  alertMessages: number;
  /** Firing positions published whose alert never arrived. */
  missing: number;
  receiptToAlertMs: Summary;
  publishToAlertMs: Summary;
  /** The engine's own time per call (AlertService.onPoints: the points of one message), measured inside the hub. */
  decisionMs: { calls: number; p50: number; p99: number; max: number } | null;
  cpuPct: number;
  eldMs: InsideSample['eldMs'] | null;
}

/** The alert vessels: the fleet plan's devices after the background ones (same seed, so registered). */
export function alertVesselIds(spec: Pick<AlertSpec, 'backgroundConnections' | 'alertVessels' | 'seed'>) {
  const all = planFleet({ vessels: spec.backgroundConnections + spec.alertVessels, seed: spec.seed });
  return all.slice(spec.backgroundConnections).map((v) => v.id);
}

export async function runAlertLatency(target: Target, spec: AlertSpec, rules: number): Promise<AlertResult> {
  const ids = alertVesselIds(spec);
  const firedAt = new Map<string, number[]>(ids.map((id) => [id, []]));
  const arrivedFiring = new Map<string, number>(ids.map((id) => [id, 0]));
  const receipt: number[] = [];
  const publish: number[] = [];
  const sub = new Subscriber({
    host: '127.0.0.1',
    port: target.port,
    filter: `alerts/${ALERT_DEPARTMENT}/#`,
    clientId: OPERATOR_ID,
    username: OPERATOR_ID,
    password: spec.password,
    onMessage: (_topic, payload, atMs) => {
      if (payload.length === 0) return; // the retained clear after a resolve
      const t = JSON.parse(payload.toString('utf8')) as { state: string; entity: string; time_ms: number };
      if (t.state !== 'firing' && t.state !== 'resolved') return;
      receipt.push(atMs - t.time_ms);
      if (t.state !== 'firing') return;
      const n = arrivedFiring.get(t.entity);
      const sent = firedAt.get(t.entity)?.[n ?? -1];
      if (n === undefined || sent === undefined) return;
      arrivedFiring.set(t.entity, n + 1);
      publish.push(atMs - sent);
    },
  });
  await sub.start();
  await target.sample?.({ reset: true });
  const background = runPaced({
    port: target.port,
    connections: spec.backgroundConnections,
    qos: 1,
    rate: spec.backgroundRate,
    durationMs: spec.durationMs + 1000,
    window: 10,
    seed: spec.seed,
    password: spec.password,
  });
  background.catch(() => {}); // awaited below; a failure before then must not be an unhandled rejection
  const proc = new ProcWindow(target.pid);
  const latency = new LatencyRecorder(1024);
  const timers: NodeJS.Timeout[] = [];
  const conns = await Promise.all(
    ids.map(async (id, i) => {
      let high = false;
      const conn = new LoadConnection({
        host: '127.0.0.1',
        port: target.port,
        clientId: id,
        username: id,
        password: spec.password,
        topic: `vessels/${id}/nmea`,
        qos: 1,
        window: 10,
        latency,
        connectTimeoutMs: 10_000,
        keepaliveS: 60,
        payload: (timeMs) => {
          high = !high;
          if (high) firedAt.get(id)!.push(timeMs);
          const sogKn = high ? HIGH_KN : LOW_KN;
          const p = { timeMs, lat: 16.7 + i * 0.01, lon: 107.75, sogKn, cogDeg: 90 };
          return Buffer.from(`${encodeRmc(p)}\r\n${encodeGga({ ...p, fix: 1, sats: 9, hdop: 0.9 })}\r\n`);
        },
      });
      await conn.connect();
      // Staggered, so the alert vessels do not all publish in the same millisecond.
      await new Promise((r) => setTimeout(r, (spec.periodMs / ids.length) * i));
      timers.push(setInterval(() => conn.sendBatch(1), spec.periodMs));
      return conn;
    }),
  );
  await new Promise((r) => setTimeout(r, spec.durationMs));
  for (const t of timers) clearInterval(t);
  await Promise.all(conns.map((c) => c.close(5000)));
  // The last alerts: until none arrived for 1.5 s (at most 15 s).
  const waitStart = Date.now();
  for (let seen = -1, since = waitStart; Date.now() - since < 1500 && Date.now() - waitStart < 15_000; ) {
    if (receipt.length !== seen) {
      seen = receipt.length;
      since = Date.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await background;
  const window = proc.finish();
  const inside = await target.sample?.({ reset: true });
  sub.stop();
  let fired = 0;
  for (const times of firedAt.values()) fired += times.length;
  let arrived = 0;
  for (const n of arrivedFiring.values()) arrived += n;
  return {
    scenario: 'alert-latency',
    rules,
    backgroundRate: spec.backgroundRate,
    alertMessages: receipt.length,
    missing: fired - arrived,
    receiptToAlertMs: summarize(receipt, 1),
    publishToAlertMs: summarize(publish, 1),
    decisionMs: inside?.decisionMs ?? null,
    cpuPct: window.cpuPct,
    eldMs: inside?.eldMs ?? null,
  };
}
