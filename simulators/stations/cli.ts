/** `hub sim stations [options]`: Modbus TCP stations (or a JSON gateway) until Ctrl-C or --duration. */
import {
  type CliOptions,
  lookupFlag,
  parseNumber,
  parseOptionalDurationMs,
  parseQos,
  parseSeed,
  parseSimulatorArgs,
  parseStartHour,
  runUntilStopped,
  SimulatorUsageError,
  writeOut,
} from '../common/cli.ts';
import { definedOnly } from '../common/objects.ts';
import { readSecretsFile } from '../common/secrets.ts';
import { STATIONS, stationById } from './catalogue.ts';
import { DEFAULT_BASE_PORT, defaultPorts, stationsConfigYaml } from './config.ts';
import { type StationsOptions, startStations } from './run.ts';

export const STATIONS_USAGE = `hub sim stations [options]
  --port <n>                 first Modbus TCP port; station i listens on port + i (default ${DEFAULT_BASE_PORT}; 0 = free ports)
  --host <addr>              listen address (default 127.0.0.1)
  --stations <a,b,...>       which stations (default all: ${STATIONS.map((s) => s.id).join(', ')})
  --unit-id <n>              Modbus unit id served (default 1)
  --speedup <k>              daily cycles run k times faster (default 1)
  --start-hour <h>           start the simulated day at h:00 local (UTC+7)
  --episode                  a pollution episode: PM2.5 to ~150–250 µg/m³, NH4+ spike in the water
  --episode-station <id>     limit the episode to these stations (repeatable)
  --episode-after <dur>      simulated delay before it starts (default 10m)
  --episode-duration <dur>   simulated duration (default 3h)
  --print-config             print the hub's modbus: and devices: YAML for these stations and exit
  --poll-interval <dur>      intervalMs written by --print-config (default 10s)
  --gateway                  publish JSON on stations/{id}/readings over MQTT instead of serving Modbus
  --interval <dur>           gateway: real time between readings (default 10s)
  --url, --password, --secrets <file>, --qos <0|1>   gateway: MQTT connection (username = station id)
  --seed <n|text>            (default 1)
  --duration <dur>           stop after this real time (default: until Ctrl-C)`;

export async function run(argv: string[], opts: CliOptions): Promise<void> {
  const { values: v } = parseSimulatorArgs(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    stations: { type: 'string' },
    'unit-id': { type: 'string' },
    speedup: { type: 'string' },
    'start-hour': { type: 'string' },
    episode: { type: 'boolean', default: false },
    'episode-station': { type: 'string', multiple: true },
    'episode-after': { type: 'string' },
    'episode-duration': { type: 'string' },
    'print-config': { type: 'boolean', default: false },
    'poll-interval': { type: 'string' },
    gateway: { type: 'boolean', default: false },
    interval: { type: 'string' },
    secrets: { type: 'string' },
  });
  if (v.help) return writeOut(opts, `${STATIONS_USAGE}\n`);
  const ids = v.stations?.split(',').map((s) => s.trim());
  for (const id of ids ?? []) lookupFlag(() => stationById(id));
  const basePort = parseNumber(v.port, 'port') ?? DEFAULT_BASE_PORT;
  const unitId = parseNumber(v['unit-id'], 'unit-id');
  const pollIntervalMs = parseOptionalDurationMs(v['poll-interval'], 'poll-interval');
  if (v['print-config']) {
    const defs = ids ? ids.map(stationById) : STATIONS;
    if (basePort === 0) throw new SimulatorUsageError('--print-config needs fixed ports: give --port <n>');
    return writeOut(
      opts,
      stationsConfigYaml(
        {
          ports: defaultPorts(defs, basePort),
          ...definedOnly({ host: v.host, unitId, intervalMs: pollIntervalMs }),
        },
        defs,
      ),
    );
  }
  const episodeStations = v['episode-station'];
  const stations: StationsOptions = {
    mode: v.gateway ? 'gateway' : 'modbus',
    seed: parseSeed(v.seed),
    url: v.url,
    basePort,
    qos: parseQos(v.qos),
    ...definedOnly({
      stations: ids,
      host: v.host,
      unitId,
      speedup: parseNumber(v.speedup, 'speedup', 0.001),
      simStartMs: parseStartHour(v['start-hour']),
      intervalMs: parseOptionalDurationMs(v.interval, 'interval'),
      password: v.password,
      secrets: v.secrets ? readSecretsFile(v.secrets) : undefined,
      episode: v.episode
        ? definedOnly({
            stations: episodeStations,
            startAfterMs: parseOptionalDurationMs(v['episode-after'], 'episode-after'),
            durationMs: parseOptionalDurationMs(v['episode-duration'], 'episode-duration'),
          })
        : undefined,
    }),
  };
  const handle = await startStations(stations);
  opts.log.info(
    { mode: stations.mode, stations: handle.stations, episode: v.episode },
    v.gateway ? 'station gateway started' : 'Modbus stations listening',
  );
  const final = await runUntilStopped(
    handle,
    opts,
    parseOptionalDurationMs(v.duration, 'duration'),
    (s, rate) =>
      `stations: ${rate.toFixed(1)} ${v.gateway ? 'msg' : 'reads'}/s, ${s.published} total, ${s.errors} errors` +
      `${s.episodeActive ? ', EPISODE' : ''}, sim +${(s.simulatedMs / 3_600_000).toFixed(2)} h`,
  );
  opts.log.info(final, 'stations simulator stopped');
}
