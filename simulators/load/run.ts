/**
 * The benchmark load: N raw MQTT connections, each a vessel publishing RMC+GGA on
 * `vessels/{id}/nmea` with the publish time in the sentences, at QoS 0 or 1, at a target total rate
 * or as fast as the broker takes it. Always bounded by `durationMs` or `count`. The report gives what
 * was sent and acknowledged, the rates, and PUBACK latency percentiles.
 */
import { encodeGga, encodeRmc } from '../../adapters/nmea/encode.ts';
import { destination } from '../common/geo.ts';
import type { SimulatorHandle, SimulatorStats } from '../common/handle.ts';
import { DEFAULT_MQTT_URL } from '../common/mqtt.ts';
import { HOME_PORTS } from '../fleet/geography.ts';
import { planFleet } from '../fleet/vessels.ts';
import { LoadConnection } from './connection.ts';
import { LatencyRecorder, type LatencySummary } from './latency.ts';

export interface LoadOptions {
  url?: string;
  connections?: number;
  qos?: 0 | 1;
  /** Total publishes per second over all connections; undefined or 0 = as fast as possible. */
  rate?: number;
  /** Real time bound, ms. With neither this nor `count`, 10 s. */
  durationMs?: number;
  /** Total publishes bound. */
  count?: number;
  /** Bind connection i to 127.0.0.(i mod 254 + 1): spreads many connections over source addresses. */
  spreadSources?: boolean;
  /** Device id → password (username = vessel id); or one password for all. */
  secrets?: Record<string, string>;
  password?: string;
  /** QoS 1 publishes in flight per connection (default 100). */
  window?: number;
  /** Vessel ids come from the fleet plan with this seed, so `fleetRegistry` can register them. */
  seed?: number | string;
  /** How long to wait for the last PUBACKs at the end, ms (default 5000). */
  drainTimeoutMs?: number;
  /** Carried NMEA times: strictly increasing per vessel (`unique`, default) or the raw clock (`clock`). */
  timestamps?: 'unique' | 'clock';
  signal?: AbortSignal;
}

export interface LoadReport extends SimulatorStats {
  connections: number;
  qos: 0 | 1;
  sent: number;
  acked: number;
  /** Sent per second of the publishing time. */
  ratePerS: number;
  ackRatePerS: number;
  /** PUBACK latency, ms (QoS 1 only). */
  latencyMs: LatencySummary;
  /** The largest lead of a carried timestamp over the clock (> 0 when a connection beat 1000/s). */
  maxAheadMs: number;
}

export interface LoadHandle extends SimulatorHandle<LoadReport> {
  /** Resolves with the final report once the run is over (bound reached or stopped). */
  readonly done: Promise<LoadReport>;
}

export const LOAD_DEFAULTS = { connections: 10, qos: 0 as 0 | 1, window: 100, durationMs: 10_000 } as const;

function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  if (u.protocol !== 'mqtt:' && u.protocol !== 'tcp:')
    throw new RangeError(`load needs mqtt://host:port, got ${url}`);
  return { host: u.hostname, port: u.port ? Number(u.port) : 1883 };
}

/** A vessel steaming at 8 kn from off Thuan An: RMC + GGA carrying the publish time. */
function vesselPayload(index: number): (timeMs: number) => Buffer {
  const start = destination(HOME_PORTS['thuan-an'], 36 + (index % 60), 5_000 + (index % 50) * 500);
  const course = (index * 37) % 360;
  const t0 = Date.now();
  const sogKn = 8;
  return (timeMs) => {
    const p = destination(start, course, ((timeMs - t0) / 1000) * sogKn * 0.514444);
    const rmc = encodeRmc({ timeMs, lat: p.lat, lon: p.lon, sogKn, cogDeg: course });
    const gga = encodeGga({ timeMs, lat: p.lat, lon: p.lon, fix: 1, sats: 9, hdop: 0.9, altitudeM: 2 });
    return Buffer.from(`${rmc}\r\n${gga}\r\n`);
  };
}

export async function startLoad(opts: LoadOptions = {}): Promise<LoadHandle> {
  const { host, port } = hostPort(opts.url ?? DEFAULT_MQTT_URL);
  const n = opts.connections ?? LOAD_DEFAULTS.connections;
  const qos = opts.qos ?? LOAD_DEFAULTS.qos;
  if (opts.spreadSources && !host.startsWith('127.')) {
    throw new RangeError('--spread-sources binds 127.0.0.x source addresses: the broker must be on loopback');
  }
  const latency = new LatencyRecorder(200_000, opts.seed ?? 1);
  const vessels = planFleet({ vessels: n, seed: opts.seed ?? 1 });
  const conns = vessels.map(
    (v, i) =>
      new LoadConnection({
        host,
        port,
        ...(opts.spreadSources ? { localAddress: `127.0.0.${(i % 254) + 1}` } : {}),
        clientId: v.id,
        username: v.id,
        ...((opts.secrets?.[v.id] ?? opts.password) !== undefined
          ? { password: (opts.secrets?.[v.id] ?? opts.password)! }
          : {}),
        topic: `vessels/${v.id}/nmea`,
        qos,
        window: opts.window ?? LOAD_DEFAULTS.window,
        payload: vesselPayload(i),
        latency,
        connectTimeoutMs: 10_000,
        keepaliveS: 60,
        timestamps: opts.timestamps ?? 'unique',
      }),
  );
  // Connect in waves: a thousand simultaneous SYNs overflow a default listen backlog.
  for (let i = 0; i < conns.length; i += 100) {
    try {
      await Promise.all(conns.slice(i, i + 100).map((c) => c.connect()));
    } catch (err) {
      await Promise.all(conns.map((c) => c.close(0)));
      throw err;
    }
  }

  const durationMs = opts.durationMs ?? (opts.count === undefined ? LOAD_DEFAULTS.durationMs : undefined);
  let remaining = opts.count ?? Number.POSITIVE_INFINITY;
  const startedAt = Date.now();
  let publishEndedAt: number | undefined;
  let stopped = false;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const take = (want: number): number => Math.max(0, Math.min(want, remaining));
  const afterSend = (count: number): void => {
    remaining -= count;
    if (remaining <= 0) finish();
  };

  let timer: NodeJS.Timeout | undefined;
  const rate = opts.rate ?? 0;
  if (rate > 0) {
    // Open loop: each connection owes rate/N × elapsed publishes; a late connection catches up.
    const perConn = rate / n;
    timer = setInterval(() => {
      const owed = (perConn * (Date.now() - startedAt)) / 1000;
      for (const c of conns) {
        let due = take(Math.floor(owed) - c.sent);
        while (due > 0 && !stopped) {
          const sent = c.sendBatch(due);
          if (sent === 0) break;
          afterSend(sent);
          due = take(due - sent);
        }
      }
    }, 5);
  } else {
    // As fast as the broker takes it: each connection sends until its socket or window is full.
    for (const c of conns) {
      const loop = (): void => {
        if (stopped) return;
        const sent = c.sendBatch(take(64));
        afterSend(sent);
        if (remaining <= 0 || !c.open) return;
        if (c.canSend()) setImmediate(loop);
        else c.whenReady(loop);
      };
      loop();
    }
  }
  const bound = durationMs !== undefined ? setTimeout(finish, durationMs) : undefined;
  const onAbort = (): void => finish();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const report = (): LoadReport => {
    const end = publishEndedAt ?? Date.now();
    const seconds = Math.max(0.001, (end - startedAt) / 1000);
    const sent = conns.reduce((s, c) => s + c.sent, 0);
    const acked = conns.reduce((s, c) => s + c.acked, 0);
    return {
      connections: n,
      qos,
      sent,
      published: sent,
      acked,
      errors: conns.reduce((s, c) => s + c.errors, 0),
      elapsedMs: Date.now() - startedAt,
      ratePerS: Math.round(sent / seconds),
      ackRatePerS: Math.round(acked / seconds),
      latencyMs: latency.summary(),
      maxAheadMs: Math.max(...conns.map((c) => c.maxAheadMs)),
    };
  };

  const done = (async () => {
    await finished;
    stopped = true;
    publishEndedAt = Date.now();
    clearInterval(timer);
    clearTimeout(bound);
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(conns.map((c) => c.close(opts.drainTimeoutMs ?? 5000)));
    return report();
  })();

  return {
    done,
    stats: report,
    stop: async () => {
      finish();
      await done;
    },
  };
}
