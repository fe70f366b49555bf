/**
 * A paced load with evenly staggered devices, on the `load` simulator's raw connections and packets.
 * The simulator's own `--rate` mode owes every connection `rate/N × elapsed` publishes, so all N
 * connections cross the next whole publish in the same millisecond: at 10,000 msg/s over 1,000 devices
 * that is a burst of 1,000 publishes every 100 ms, whose queueing (not the hub) then sets the latency
 * percentiles. Here device i is offset by i/N of its period, as independent devices would be.
 */
import { encodeGga, encodeRmc } from '../adapters/nmea/encode.ts';
import { destination } from '../simulators/common/geo.ts';
import { HOME_PORTS } from '../simulators/fleet/geography.ts';
import { planFleet } from '../simulators/fleet/vessels.ts';
import { LoadConnection } from '../simulators/load/connection.ts';
import { LatencyRecorder } from '../simulators/load/latency.ts';
import type { LoadReport } from '../simulators/load/run.ts';

export interface PacedOptions {
  port: number;
  connections: number;
  qos: 0 | 1;
  /** Total publishes per second. */
  rate: number;
  durationMs: number;
  window: number;
  seed: number;
  password?: string;
  /** The payload of device i at a time (default: a vessel steaming from off Thuan An, RMC + GGA). */
  payload?: (index: number) => (timeMs: number) => Buffer;
  /** Called once every device is connected, just before the first publish. */
  onStart?(): void;
}

const TICK_MS = 2;

/** RMC + GGA of a vessel at 8 kn, carrying the publish time (as the simulator's own payload). */
export function steamingVessel(index: number): (timeMs: number) => Buffer {
  const start = destination(HOME_PORTS['thuan-an'], 36 + (index % 60), 5_000 + (index % 50) * 500);
  const course = (index * 37) % 360;
  const t0 = Date.now();
  return (timeMs) => {
    const p = destination(start, course, ((timeMs - t0) / 1000) * 8 * 0.514444);
    const rmc = encodeRmc({ timeMs, lat: p.lat, lon: p.lon, sogKn: 8, cogDeg: course });
    const gga = encodeGga({ timeMs, lat: p.lat, lon: p.lon, fix: 1, sats: 9, hdop: 0.9, altitudeM: 2 });
    return Buffer.from(`${rmc}\r\n${gga}\r\n`);
  };
}

export async function runPaced(opts: PacedOptions): Promise<LoadReport> {
  const n = opts.connections;
  const latency = new LatencyRecorder(200_000, opts.seed);
  const payload = opts.payload ?? steamingVessel;
  const conns = planFleet({ vessels: n, seed: opts.seed }).map(
    (v, i) =>
      new LoadConnection({
        host: '127.0.0.1',
        port: opts.port,
        localAddress: `127.0.0.${(i % 254) + 1}`,
        clientId: v.id,
        username: v.id,
        ...(opts.password !== undefined ? { password: opts.password } : {}),
        topic: `vessels/${v.id}/nmea`,
        qos: opts.qos,
        window: opts.window,
        payload: payload(i),
        latency,
        connectTimeoutMs: 10_000,
        keepaliveS: 60,
      }),
  );
  for (let i = 0; i < n; i += 100) await Promise.all(conns.slice(i, i + 100).map((c) => c.connect()));
  const perConn = opts.rate / n;
  opts.onStart?.();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsedS = (performance.now() - started) / 1000;
      for (let i = 0; i < n; i++) {
        const c = conns[i]!;
        // Device i's k-th publish is due at (k + i/N) / perConn seconds.
        const due = Math.floor(perConn * elapsedS + i / n) - c.sent;
        if (due > 0) c.sendBatch(due);
      }
      if (elapsedS * 1000 >= opts.durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  const publishMs = performance.now() - started;
  await Promise.all(conns.map((c) => c.close(30_000)));
  const sent = conns.reduce((s, c) => s + c.sent, 0);
  const acked = conns.reduce((s, c) => s + c.acked, 0);
  return {
    connections: n,
    qos: opts.qos,
    sent,
    published: sent,
    acked,
    errors: conns.reduce((s, c) => s + c.errors, 0),
    elapsedMs: Math.round(performance.now() - started),
    ratePerS: Math.round((sent * 1000) / publishMs),
    ackRatePerS: Math.round((acked * 1000) / publishMs),
    latencyMs: latency.summary(),
    maxAheadMs: Math.max(...conns.map((c) => c.maxAheadMs)),
  };
}
