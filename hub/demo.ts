/**
 * `hub demo`: the whole system on one machine. The hub with its embedded broker, a private influxd
 * (unless `influx.url` is set), the Modbus poller pointed at simulated stations, the fleet and camera
 * simulators with their scenarios, the alert rules with durations divided by the speedup, and the
 * Grafana dashboards written to disk. Prints what runs where.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { parseConfig } from '../config/load.ts';
import type { HubConfigInput } from '../config/schema.ts';
import { writeDashboards } from '../dashboards/build.ts';
import {
  type CamerasHandle,
  camerasRegistry,
  type FleetHandle,
  fleetRegistry,
  loadBoundaryFile,
  type StationsHandle,
  startCameras,
  startFleet,
  startStations,
} from '../simulators/index.ts';
import { type Hub, startHub } from './hub.ts';

export const OUTER_BOUNDARY_FILE = new URL('../alerts/zones/hue.geojson', import.meta.url).pathname;

export interface DemoOptions {
  log: Logger;
  /** Simulated world speed; alert durations are divided by the same factor (`alerts.timeScale`). */
  speedup?: number;
  vessels?: number;
  seed?: number | string;
  /** Data of the demo: spool, private influxd, alert state, dashboards. */
  dataDir?: string;
  /** Config sections laid over the demo's own (e.g. `influx.url`, ports 0 in tests). */
  overrides?: Partial<{ [K in keyof HubConfigInput]: Partial<NonNullable<HubConfigInput[K]>> }>;
  signal?: AbortSignal;
}

export interface Demo {
  hub: Hub;
  fleet: FleetHandle;
  stations: StationsHandle;
  cameras: CamerasHandle;
  /** Vessel ids of each scenario. */
  scenarios: { silent: string[]; drift: string[]; midshoreViolation: string[]; sos: string[] };
  dashboardsDir: string;
  banner(): string;
  stop(): Promise<void>;
}

const STOP_PART_MS = 20_000;

export const DEMO_DEFAULTS = { speedup: 60, vessels: 20, seed: 1, dataDir: './data/demo' } as const;

export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const speedup = opts.speedup ?? DEMO_DEFAULTS.speedup;
  const seed = opts.seed ?? DEMO_DEFAULTS.seed;
  const dataDir = resolve(opts.dataDir ?? DEMO_DEFAULTS.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const plan = {
    vessels: opts.vessels ?? DEMO_DEFAULTS.vessels,
    seed,
    silent: 1,
    drift: 1,
    midshoreViolation: 1,
    sos: 1,
  };

  const stations = await startStations({ basePort: 0, speedup, seed, episode: true, host: '127.0.0.1' });
  // Stopped in this order: simulators first, then the hub, the Modbus stations last.
  const stops: Array<{ part: string; stop: () => Promise<void> }> = [
    { part: 'stations', stop: () => stations.stop() },
  ];
  try {
    const o = opts.overrides ?? {};
    const config = parseConfig({
      ...o,
      broker: { allowAnonymous: true, instance: 'hue-demo', ...o.broker },
      influx: { embeddedDir: join(dataDir, 'influxdb'), ...o.influx },
      spool: { dir: join(dataDir, 'spool'), ...o.spool },
      devices: {
        entries: [...fleetRegistry(plan), ...stations.registry(), ...camerasRegistry()],
        ...o.devices,
      },
      modbus: { devices: stations.modbusDevices({ intervalMs: 5000 }), ...o.modbus },
      alerts: { stateDir: join(dataDir, 'alerts'), timeScale: speedup, ...o.alerts },
      log: { ...o.log },
    });
    const hub = await startHub({ config, baseDir: dataDir, log: opts.log });
    stops.unshift({ part: 'hub', stop: () => hub.stop() });

    const url = `mqtt://127.0.0.1:${hub.mqttPort}`;
    const boundary = loadBoundaryFile(OUTER_BOUNDARY_FILE, 'outer-boundary');
    const fleet = await startFleet({ ...plan, url, speedup, boundary, qos: 1 });
    stops.unshift({ part: 'fleet', stop: () => fleet.stop() });
    const cameras = await startCameras({ url, speedup, seed, congestion: true });
    stops.unshift({ part: 'cameras', stop: () => cameras.stop() });

    const dashboardsDir = join(dataDir, 'grafana');
    // For the `grafana-demo` service of docker-compose.yml: host network (so the loopback InfluxDB URL
    // works), this folder mounted at the paths the provisioning names.
    writeDashboards(dashboardsDir, {
      influxUrl: hub.influxUrl,
      database: config.influx.database,
      dashboardsPath: '/etc/grafana/dashboards/hue',
    });

    const byScenario = (name: string) => fleet.vessels.filter((v) => v.scenario === name).map((v) => v.id);
    const scenarios = {
      silent: byScenario('silent'),
      drift: byScenario('drift'),
      midshoreViolation: byScenario('midshore-violation'),
      sos: byScenario('sos'),
    };

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        // Each part gets a bounded time, so one stuck part cannot keep the demo from ending.
        for (const s of stops) {
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<void>((resolve) => {
            timer = setTimeout(() => {
              opts.log.warn({ part: s.part }, 'demo: a part did not stop within 20 s; going on');
              resolve();
            }, STOP_PART_MS);
          });
          await Promise.race([
            s.stop().catch((err) => opts.log.warn({ err, part: s.part }, 'demo: error while stopping')),
            timeout,
          ]);
          clearTimeout(timer);
        }
      })();
      return stopping;
    };
    opts.signal?.addEventListener('abort', () => void stop(), { once: true });

    const banner = () =>
      [
        '',
        'Hue telemetry hub — demo (anonymous MQTT access is ON: demo only)',
        `  MQTT            mqtt://127.0.0.1:${hub.mqttPort}   WebSocket ws://127.0.0.1:${hub.wsPort ?? '-'}`,
        `  HTTP API        http://127.0.0.1:${hub.httpPort}/  (operator page; /health, /metrics, /api/alerts)`,
        `  InfluxDB        ${hub.influxUrl}  database "${config.influx.database}"${config.influx.url ? '' : ' (private influxd)'}`,
        `  Simulators      ${fleet.vessels.length} vessels, ${stations.stations.length} Modbus stations, cameras; speedup ×${speedup}`,
        `  Scenarios       silent ${scenarios.silent.join(', ')}; drift ${scenarios.drift.join(', ')}; midshore ${scenarios.midshoreViolation.join(', ')}; SOS ${scenarios.sos.join(', ')}`,
        `  Dashboards      ${dashboardsDir}`,
        `  Grafana         HUB_DEMO_DIR=${dataDir} docker compose --profile demo up grafana-demo   → http://localhost:3000`,
        '  Stop            Ctrl-C',
        '',
      ].join('\n');

    return { hub, fleet, stations, cameras, scenarios, dashboardsDir, banner, stop };
  } catch (err) {
    for (const s of stops) await s.stop().catch(() => {});
    throw err;
  }
}
