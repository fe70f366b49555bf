/**
 * The running fleet: the motion model advanced on the real clock × speedup, each vessel publishing on
 * its own MQTT connection (username = vessel id), and the AIS shore receiver publishing what it hears.
 * Published times are always the real clock (the hub rejects future times); `speedup` makes the vessels
 * move and the schedules fire that much faster, so a "6 h" silence is 6 min at speedup 60.
 */
import type { MqttClient } from 'mqtt';
import { distanceM } from '../common/geo.ts';
import type { SimulatorHandle, SimulatorStats } from '../common/handle.ts';
import { connectAll, endAll, type MqttTarget } from '../common/mqtt.ts';
import { definedOnly } from '../common/objects.ts';
import { Random } from '../common/random.ts';
import type { Boundary } from './boundary.ts';
import { aisPositionSentences, aisStaticSentences, nmeaPayload, vmsReport } from './messages.ts';
import { FleetModel, type FleetModelOptions, type VesselState } from './motion.ts';
import { FLEET_DEFAULTS, type FleetPlan, planFleet, RECEIVER_POSITION, type VesselSpec } from './vessels.ts';

export interface FleetOptions extends FleetPlan, Omit<FleetModelOptions, 'seed' | 'boundary'> {
  url?: string;
  /** Device id → MQTT password (vessels and the receiver); the username is always the device id. */
  secrets?: Record<string, string>;
  /** Password for devices missing from `secrets`. */
  password?: string;
  /** Simulated world speed; published times stay on the real clock. */
  speedup?: number;
  qos?: 0 | 1;
  boundary?: Boundary;
  /** Simulated reporting intervals, ms. */
  nmeaIntervalMs?: number;
  vmsIntervalMs?: number;
  aisIntervalMs?: number;
  aisStaticIntervalMs?: number;
  /** Real-time floor between two reports of one vessel on one link, ms (keeps high speedups sane). */
  minReportIntervalMs?: number;
  /** VHF range of the shore receiver, km (~40 nm). */
  aisRangeKm?: number;
  /** Real time between two model steps, ms. */
  tickMs?: number;
  now?: () => number;
  signal?: AbortSignal;
}

export const FLEET_RUN_DEFAULTS = {
  url: 'mqtt://127.0.0.1:1883',
  speedup: 1,
  qos: 0 as 0 | 1,
  nmeaIntervalMs: 30_000,
  // Decree 26/2019 asks for one position every 2 h at least; terminals are usually set much tighter.
  vmsIntervalMs: 15 * 60_000,
  aisIntervalMs: 60_000,
  // ITU-R M.1371: static and voyage data every 6 min.
  aisStaticIntervalMs: 6 * 60_000,
  minReportIntervalMs: 1000,
  aisRangeKm: 74,
  tickMs: 200,
} as const;

export interface FleetStats extends SimulatorStats {
  nmea: number;
  vms: number;
  ais: number;
  vessels: number;
  atSea: number;
  silent: number;
  sos: number;
  simulatedMs: number;
}

export interface FleetHandle extends SimulatorHandle<FleetStats> {
  readonly vessels: readonly VesselSpec[];
  states(): VesselState[];
}

type Link = 'nmea' | 'vms' | 'ais' | 'aisStatic';

interface Schedule {
  /** Simulated elapsed time of the next report, per link. */
  next: Record<Link, number>;
  lastReal: Record<Link, number>;
  lastTimeMs: number;
  seq: number;
}

export async function startFleet(opts: FleetOptions = {}): Promise<FleetHandle> {
  const o = { ...FLEET_RUN_DEFAULTS, ...definedOnly(opts) };
  const now = opts.now ?? Date.now;
  const specs = planFleet(opts);
  const model = new FleetModel(specs, {
    seed: opts.seed ?? FLEET_DEFAULTS.seed,
    ...(opts.boundary ? { boundary: opts.boundary } : {}),
    ...definedOnly({
      spread: opts.spread,
      silentAfterMs: opts.silentAfterMs,
      sosAfterMs: opts.sosAfterMs,
      driftStartKm: opts.driftStartKm,
      driftKn: opts.driftKn,
    }),
  });
  const receiverId = opts.receiverId ?? FLEET_DEFAULTS.receiverId;
  const target = (id: string): MqttTarget => {
    const password = opts.secrets?.[id] ?? opts.password;
    return { url: o.url, clientId: id, username: id, ...(password !== undefined ? { password } : {}) };
  };
  const hasAis = specs.some((s) => s.channels.ais);
  const clients = await connectAll([
    ...specs.map((s) => target(s.id)),
    ...(hasAis ? [target(receiverId)] : []),
  ]);
  const receiver: MqttClient | undefined = hasAis ? clients[specs.length] : undefined;

  const startedAt = now();
  const interval: Record<Link, number> = {
    nmea: o.nmeaIntervalMs,
    vms: o.vmsIntervalMs,
    ais: o.aisIntervalMs,
    aisStatic: o.aisStaticIntervalMs,
  };
  // Stagger the first reports so hundreds of vessels do not all publish in the same tick.
  const rng = new Random(opts.seed ?? FLEET_DEFAULTS.seed).fork('schedule');
  const schedules: Schedule[] = specs.map(() => ({
    next: {
      nmea: rng.range(0, interval.nmea),
      vms: rng.range(0, interval.vms),
      ais: rng.range(0, interval.ais),
      aisStatic: rng.range(0, interval.aisStatic),
    },
    lastReal: { nmea: -Infinity, vms: -Infinity, ais: -Infinity, aisStatic: -Infinity },
    lastTimeMs: 0,
    seq: 0,
  }));
  const counts = { published: 0, errors: 0, nmea: 0, vms: 0, ais: 0 };
  let aisSeqId = 0;
  let lastReal = startedAt;
  let states = model.states();

  const publish = (
    client: MqttClient | undefined,
    topic: string,
    payload: string,
    link: 'nmea' | 'vms' | 'ais',
  ) => {
    if (!client) return;
    client.publish(topic, payload, { qos: o.qos }, (err) => {
      if (err) counts.errors++;
      else {
        counts.published++;
        counts[link]++;
      }
    });
  };

  const due = (s: Schedule, link: Link, realNow: number): boolean => {
    if (model.elapsedMs < s.next[link] || realNow - s.lastReal[link] < o.minReportIntervalMs) return false;
    s.next[link] = model.elapsedMs + interval[link];
    s.lastReal[link] = realNow;
    return true;
  };

  const tick = (): void => {
    const realNow = now();
    states = model.step(Math.max(0, realNow - lastReal) * o.speedup);
    lastReal = realNow;
    specs.forEach((spec, i) => {
      const state = states[i]!;
      const s = schedules[i]!;
      if (!state.reporting) return;
      // Strictly increasing per vessel: a resent message overwrites itself, a new one never does.
      const timeMs = Math.max(realNow, s.lastTimeMs + 10);
      let used = false;
      if (spec.channels.nmea && due(s, 'nmea', realNow)) {
        publish(clients[i], `vessels/${spec.id}/nmea`, nmeaPayload(spec, state, timeMs), 'nmea');
        used = true;
      }
      if (spec.channels.vms && due(s, 'vms', realNow)) {
        const report = vmsReport(spec, state, timeMs, s.seq++);
        publish(clients[i], `vessels/${spec.id}/vms`, JSON.stringify(report), 'vms');
        used = true;
      }
      if (spec.channels.ais && distanceM(state, RECEIVER_POSITION) <= o.aisRangeKm * 1000) {
        const lines: string[] = [];
        if (due(s, 'ais', realNow)) lines.push(...aisPositionSentences(spec, state, timeMs));
        if (due(s, 'aisStatic', realNow)) lines.push(...aisStaticSentences(spec, aisSeqId++ % 10));
        if (lines.length > 0) publish(receiver, `ais/${receiverId}`, lines.join('\r\n'), 'ais');
        used ||= lines.length > 0;
      }
      if (used) s.lastTimeMs = timeMs;
    });
  };

  tick();
  const timer = setInterval(tick, o.tickMs);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      await endAll(clients);
    })();
    return stopping;
  };
  const onAbort = (): void => void stop();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    vessels: specs,
    states: () => states,
    stop,
    stats: () => ({
      ...counts,
      elapsedMs: now() - startedAt,
      simulatedMs: model.elapsedMs,
      vessels: specs.length,
      atSea: states.filter((s) => s.atSea).length,
      silent: states.filter((s) => !s.reporting).length,
      sos: states.filter((s) => s.sos).length,
    }),
  };
}
