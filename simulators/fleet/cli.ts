/** `hub sim fleet [options]`: flags → startFleet, until Ctrl-C or --duration. */
import { stringify } from 'yaml';
import {
  type CliOptions,
  parseInteger,
  parseNumber,
  parseOptionalDurationMs,
  parseQos,
  parseSeed,
  parseSimulatorArgs,
  runUntilStopped,
  writeOut,
} from '../common/cli.ts';
import { definedOnly } from '../common/objects.ts';
import { readSecretsFile } from '../common/secrets.ts';
import { boundaryToGeoJson, defaultOuterBoundary, loadBoundaryFile } from './boundary.ts';
import { FLEET_RUN_DEFAULTS, type FleetOptions, startFleet } from './run.ts';
import { FLEET_DEFAULTS, fleetRegistry } from './vessels.ts';

export const FLEET_USAGE = `hub sim fleet [options]
  --vessels <n>              fleet size (default ${FLEET_DEFAULTS.vessels})
  --speedup <k>              simulated world runs k times faster; times stay on the real clock (default 1)
  --silent <n>               n vessels lose their link at sea (after --silent-after, default 30m simulated)
  --drift <n>                n vessels drift across the outer boundary
  --midshore-violation <n>   n vessels ≥ 15 m fish inside 24 nm
  --sos <n>                  n vessels raise an SOS (after --sos-after, default 20m simulated)
  --boundary <file.geojson>  outer boundary polygon (default: simplified, 200 km offshore)
  --boundary-name <name>     which feature of the GeoJSON file is the outer boundary
  --receiver <id>            AIS shore receiver id, publishes on ais/{id} (default ${FLEET_DEFAULTS.receiverId})
  --vms-share <0..1>         share of < 15 m vessels with a VMS terminal (default ${FLEET_DEFAULTS.vmsShare})
  --ais-share <0..1>         share of vessels with AIS (default ${FLEET_DEFAULTS.aisShare})
  --nmea-interval <dur>      simulated NMEA interval per vessel (default 30s)
  --vms-interval <dur>       simulated VMS interval (default 15m)
  --all-in-port              start every vessel in port instead of spread over their trips
  --secrets <file>           YAML/JSON map device id → MQTT password (username = device id)
  --password <p>             password for devices not in --secrets
  --qos <0|1>                (default 0)
  --url <mqtt-url>           (default ${FLEET_RUN_DEFAULTS.url})
  --seed <n|text>            (default 1)
  --duration <dur>           stop after this real time (default: until Ctrl-C)
  --print-registry           print the hub's devices entries (YAML) for this fleet and exit
  --print-boundary           print the outer boundary as GeoJSON and exit`;

export async function run(argv: string[], opts: CliOptions): Promise<void> {
  const { values: v } = parseSimulatorArgs(argv, {
    vessels: { type: 'string' },
    speedup: { type: 'string' },
    silent: { type: 'string' },
    drift: { type: 'string' },
    'midshore-violation': { type: 'string' },
    sos: { type: 'string' },
    'silent-after': { type: 'string' },
    'sos-after': { type: 'string' },
    boundary: { type: 'string' },
    'boundary-name': { type: 'string' },
    receiver: { type: 'string' },
    'vms-share': { type: 'string' },
    'ais-share': { type: 'string' },
    'nmea-interval': { type: 'string' },
    'vms-interval': { type: 'string' },
    'all-in-port': { type: 'boolean', default: false },
    secrets: { type: 'string' },
    'print-registry': { type: 'boolean', default: false },
    'print-boundary': { type: 'boolean', default: false },
  });
  if (v.help) return writeOut(opts, `${FLEET_USAGE}\n`);
  const boundary = v.boundary ? loadBoundaryFile(v.boundary, v['boundary-name']) : undefined;
  const secrets = v.secrets ? readSecretsFile(v.secrets) : undefined;
  const fleet: FleetOptions = {
    url: v.url,
    seed: parseSeed(v.seed),
    ...definedOnly({
      vessels: parseInteger(v.vessels, 'vessels'),
      speedup: parseNumber(v.speedup, 'speedup', 0.001),
      silent: parseInteger(v.silent, 'silent'),
      drift: parseInteger(v.drift, 'drift'),
      midshoreViolation: parseInteger(v['midshore-violation'], 'midshore-violation'),
      sos: parseInteger(v.sos, 'sos'),
      silentAfterMs: parseOptionalDurationMs(v['silent-after'], 'silent-after'),
      sosAfterMs: parseOptionalDurationMs(v['sos-after'], 'sos-after'),
      receiverId: v.receiver,
      vmsShare: parseNumber(v['vms-share'], 'vms-share'),
      aisShare: parseNumber(v['ais-share'], 'ais-share'),
      nmeaIntervalMs: parseOptionalDurationMs(v['nmea-interval'], 'nmea-interval'),
      vmsIntervalMs: parseOptionalDurationMs(v['vms-interval'], 'vms-interval'),
      password: v.password,
      secrets,
      boundary,
    }),
    spread: !v['all-in-port'],
    qos: parseQos(v.qos),
  };
  if (v['print-registry']) return writeOut(opts, stringify({ devices: { entries: fleetRegistry(fleet) } }));
  if (v['print-boundary']) {
    return writeOut(
      opts,
      `${JSON.stringify(boundaryToGeoJson(boundary ?? defaultOuterBoundary()), null, 2)}\n`,
    );
  }
  const handle = await startFleet(fleet);
  opts.log.info(
    {
      vessels: handle.vessels.length,
      scenarios: handle.vessels.filter((x) => x.scenario).map((x) => `${x.id}:${x.scenario}`),
      speedup: fleet.speedup ?? 1,
      url: fleet.url,
    },
    'fleet simulator started',
  );
  const final = await runUntilStopped(
    handle,
    opts,
    parseOptionalDurationMs(v.duration, 'duration'),
    (s, rate) =>
      `fleet: ${rate.toFixed(1)} msg/s, ${s.published} sent (nmea ${s.nmea}, vms ${s.vms}, ais ${s.ais}), ` +
      `${s.atSea}/${s.vessels} at sea, ${s.silent} silent, ${s.errors} errors, sim +${(s.simulatedMs / 3_600_000).toFixed(2)} h`,
  );
  opts.log.info(final, 'fleet simulator stopped');
}
