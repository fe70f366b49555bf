/** `hub sim cameras [options]`: camera events (generic and Frigate) until Ctrl-C or --duration. */
import { stringify } from 'yaml';
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
import { CAMERAS, cameraById } from './catalogue.ts';
import { type CamerasOptions, camerasRegistry, DEFAULT_NVR_ID, startCameras } from './run.ts';

export const CAMERAS_USAGE = `hub sim cameras [options]
  --cameras <a,b,...>        which cameras (default all: ${CAMERAS.map((c) => c.id).join(', ')})
  --frigate <share|all|none> cameras behind the Frigate NVR on frigate/events (default share: ${CAMERAS.filter(
    (c) => c.nvr,
  )
    .map((c) => c.id)
    .join(', ')})
  --nvr <id>                 the NVR's client id / username (default ${DEFAULT_NVR_ID})
  --speedup <k>              simulated time runs k times faster (rush hours, dwell times); times stay real (default 1)
  --start-hour <h>           start the simulated day at h:00 local (UTC+7), e.g. 7 for the morning rush
  --congestion               a congestion episode: ~10 cars/min on one camera (> 30 in 5 min)
  --congestion-camera <id>   (default: the first camera)
  --congestion-after <dur>   simulated delay before it starts (default 5m)
  --congestion-duration <dur> simulated duration (default 15m)
  --secrets <file>, --password <p>   MQTT passwords (username = camera or NVR id)
  --qos <0|1>                (default 0)
  --url <mqtt-url>           (default mqtt://127.0.0.1:1883)
  --seed <n|text>            (default 1)
  --duration <dur>           stop after this real time (default: until Ctrl-C)
  --print-registry           print the hub's devices entries (YAML) and exit`;

export async function run(argv: string[], opts: CliOptions): Promise<void> {
  const { values: v } = parseSimulatorArgs(argv, {
    cameras: { type: 'string' },
    frigate: { type: 'string' },
    nvr: { type: 'string' },
    speedup: { type: 'string' },
    'start-hour': { type: 'string' },
    congestion: { type: 'boolean', default: false },
    'congestion-camera': { type: 'string' },
    'congestion-after': { type: 'string' },
    'congestion-duration': { type: 'string' },
    secrets: { type: 'string' },
    'print-registry': { type: 'boolean', default: false },
  });
  if (v.help) return writeOut(opts, `${CAMERAS_USAGE}\n`);
  const known = (id: string): string => lookupFlag(() => cameraById(id).id);
  const cameras = v.cameras?.split(',').map((s) => known(s.trim()));
  const frigate = v.frigate ?? 'share';
  if (frigate !== 'share' && frigate !== 'all' && frigate !== 'none') {
    throw new SimulatorUsageError(`--frigate "${frigate}" must be share, all or none`);
  }
  const options: CamerasOptions = {
    url: v.url,
    seed: parseSeed(v.seed),
    frigate,
    qos: parseQos(v.qos),
    ...definedOnly({
      cameras,
      nvrId: v.nvr,
      speedup: parseNumber(v.speedup, 'speedup', 0.001),
      simStartMs: parseStartHour(v['start-hour']),
      password: v.password,
      secrets: v.secrets ? readSecretsFile(v.secrets) : undefined,
      congestion: v.congestion
        ? definedOnly({
            camera: v['congestion-camera'] === undefined ? undefined : known(v['congestion-camera']),
            startAfterMs: parseOptionalDurationMs(v['congestion-after'], 'congestion-after'),
            durationMs: parseOptionalDurationMs(v['congestion-duration'], 'congestion-duration'),
          })
        : undefined,
    }),
  };
  if (v['print-registry'])
    return writeOut(opts, stringify({ devices: { entries: camerasRegistry(options) } }));
  const handle = await startCameras(options);
  opts.log.info({ cameras: handle.cameras, congestion: v.congestion }, 'camera simulator started');
  const final = await runUntilStopped(
    handle,
    opts,
    parseOptionalDurationMs(v.duration, 'duration'),
    (s, rate) =>
      `cameras: ${rate.toFixed(1)} msg/s, ${s.published} sent (new ${s.new}, update ${s.update}, end ${s.end}), ` +
      `${s.activeObjects} in view, ${s.errors} errors${s.congestionActive ? ', CONGESTION' : ''}`,
  );
  opts.log.info(final, 'camera simulator stopped');
}
