/**
 * The running stations: each a real Modbus TCP server the hub polls (default), or, in gateway mode, an
 * MQTT device publishing JSON readings on `stations/{id}/readings` (DESIGN.md). Values follow the
 * model on simulated time (real clock × speedup); what is published or served is always "now".
 */
import type { MqttClient } from 'mqtt';
import type { ModbusDeviceInput } from '../../adapters/modbus/config.ts';
import type { Device } from '../../ingest/registry.ts';
import { SimClock, type SimulatorHandle, type SimulatorStats } from '../common/handle.ts';
import { connectAll, DEFAULT_MQTT_URL, endAll } from '../common/mqtt.ts';
import { Random } from '../common/random.ts';
import { STATIONS, type StationDef, stationById } from './catalogue.ts';
import {
  DEFAULT_BASE_PORT,
  stationModbusDevices,
  stationRegistry,
  stationsConfigYaml,
  stationsRegistryYaml,
} from './config.ts';
import { type Episode, type Readings, stationReadings } from './model.ts';
import { type StationServer, startStationServer } from './server.ts';

export interface EpisodeOptions {
  stations?: string[];
  /** Simulated delay from the start, ms (default 10 min). */
  startAfterMs?: number;
  /** Simulated duration, ms (default 3 h). */
  durationMs?: number;
  peakPm25?: number;
  peakNh4?: number;
}

export interface StationsOptions {
  /** `modbus` (default): Modbus TCP servers; `gateway`: JSON over MQTT. */
  mode?: 'modbus' | 'gateway';
  /** Station ids (default: all of catalogue.ts). */
  stations?: string[];
  seed?: number | string;
  speedup?: number;
  /** Where simulated time starts (default: now), e.g. `lastLocalHourMs(7, Date.now())` for the rush. */
  simStartMs?: number;
  /** A pollution episode; `true` for the defaults. */
  episode?: boolean | EpisodeOptions;
  // Modbus mode
  host?: string;
  /** Station i listens on basePort + i (default 5020); 0 = free ports. */
  basePort?: number;
  /** Per-station ports, overriding basePort. */
  ports?: Record<string, number>;
  unitId?: number;
  // Gateway mode
  url?: string;
  secrets?: Record<string, string>;
  password?: string;
  /** Real time between two readings of one station, ms (default 10 s). */
  intervalMs?: number;
  qos?: 0 | 1;
  now?: () => number;
  signal?: AbortSignal;
}

export interface StationsStats extends SimulatorStats {
  stations: number;
  episodeActive: boolean;
  simulatedMs: number;
}

export interface StationInfo {
  id: string;
  medium: 'air' | 'water';
  /** Modbus mode: where the station listens. */
  host?: string;
  port?: number;
}

export interface StationsHandle extends SimulatorHandle<StationsStats> {
  readonly stations: readonly StationInfo[];
  /** The hub's `modbus.devices` for the running servers (bound ports). Empty in gateway mode. */
  modbusDevices(opts?: { intervalMs?: number; timeoutMs?: number }): ModbusDeviceInput[];
  registry(): Device[];
  /** `modbus:` and `devices:` YAML for hub.yaml. */
  printConfig(opts?: { intervalMs?: number; timeoutMs?: number }): string;
  /** What the stations measure right now. */
  readings(): Record<string, Readings>;
}

export function resolveEpisode(
  option: StationsOptions['episode'],
  startSimMs: number,
  seed: number | string,
): Episode | undefined {
  if (!option) return undefined;
  const o = option === true ? {} : option;
  const rng = new Random(seed).fork('episode');
  return {
    ...(o.stations ? { stations: o.stations } : {}),
    startMs: startSimMs + (o.startAfterMs ?? 10 * 60_000),
    durationMs: o.durationMs ?? 3 * 3_600_000,
    peakPm25: o.peakPm25 ?? Math.round(rng.range(150, 250)),
    peakNh4: o.peakNh4 ?? Math.round(rng.range(1.5, 3) * 100) / 100,
  };
}

export async function startStations(opts: StationsOptions = {}): Promise<StationsHandle> {
  const now = opts.now ?? Date.now;
  const clock = new SimClock(now, opts.speedup ?? 1, opts.simStartMs);
  const seed = opts.seed ?? 1;
  const defs: StationDef[] = opts.stations ? opts.stations.map(stationById) : [...STATIONS];
  const episode = resolveEpisode(opts.episode, clock.simMs(), seed);
  const readingsOf = (s: StationDef): Readings => stationReadings(s, clock.simMs(), episode, seed);
  const startedAt = now();
  let published = 0;
  let errors = 0;
  const servers: StationServer[] = [];
  let clients: MqttClient[] = [];
  let timer: NodeJS.Timeout | undefined;

  if ((opts.mode ?? 'modbus') === 'modbus') {
    const host = opts.host ?? '127.0.0.1';
    const base = opts.basePort ?? DEFAULT_BASE_PORT;
    try {
      for (const [i, s] of defs.entries()) {
        const port = opts.ports?.[s.id] ?? (base === 0 ? 0 : base + i);
        servers.push(
          await startStationServer(s, {
            host,
            port,
            ...(opts.unitId !== undefined ? { unitId: opts.unitId } : {}),
            readings: () => readingsOf(s),
            now,
          }),
        );
      }
    } catch (err) {
      await Promise.all(servers.map((x) => x.close()));
      throw err;
    }
  } else {
    clients = await connectAll(
      defs.map((s) => {
        const password = opts.secrets?.[s.id] ?? opts.password;
        return {
          url: opts.url ?? DEFAULT_MQTT_URL,
          clientId: s.id,
          username: s.id,
          ...(password !== undefined ? { password } : {}),
        };
      }),
    );
    const publishAll = (): void => {
      const time = new Date(now()).toISOString();
      defs.forEach((s, i) => {
        const values = Object.fromEntries(
          Object.entries(readingsOf(s)).map(([k, v]) => [k, Math.round(v * 1000) / 1000]),
        );
        clients[i]!.publish(
          `stations/${s.id}/readings`,
          JSON.stringify({ time, values }),
          { qos: opts.qos ?? 0 },
          (err) => {
            if (err) errors++;
            else published++;
          },
        );
      });
    };
    publishAll();
    timer = setInterval(publishAll, opts.intervalMs ?? 10_000);
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (timer) clearInterval(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      await Promise.all(servers.map((x) => x.close()));
      await endAll(clients);
    })();
    return stopping;
  };
  const onAbort = (): void => void stop();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const ports = (): Record<string, number> => Object.fromEntries(servers.map((x) => [x.station.id, x.port]));
  const pollOptions = (o: { intervalMs?: number; timeoutMs?: number } = {}) => ({
    host: opts.host ?? '127.0.0.1',
    ports: ports(),
    ...(opts.unitId !== undefined ? { unitId: opts.unitId } : {}),
    ...o,
  });
  const simAtStart = clock.simMs();
  return {
    stations: defs.map((s) => {
      const server = servers.find((x) => x.station.id === s.id);
      return { id: s.id, medium: s.medium, ...(server ? { host: server.host, port: server.port } : {}) };
    }),
    modbusDevices: (o) => (servers.length > 0 ? stationModbusDevices(pollOptions(o), defs) : []),
    registry: () => stationRegistry(defs),
    printConfig: (o) =>
      servers.length > 0 ? stationsConfigYaml(pollOptions(o), defs) : stationsRegistryYaml(defs),
    readings: () => Object.fromEntries(defs.map((s) => [s.id, readingsOf(s)])),
    stop,
    stats: () => {
      const t = clock.simMs();
      return {
        published: published + servers.reduce((sum, x) => sum + x.served(), 0),
        errors,
        elapsedMs: now() - startedAt,
        stations: defs.length,
        episodeActive:
          episode !== undefined && t >= episode.startMs && t < episode.startMs + episode.durationMs,
        simulatedMs: t - simAtStart,
      };
    },
  };
}
