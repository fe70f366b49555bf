/** `hub sim load [options]`: a bounded benchmark load; prints the report as JSON on stdout. */
import {
  type CliOptions,
  parseInteger,
  parseNumber,
  parseOptionalDurationMs,
  parseQos,
  parseSeed,
  parseSimulatorArgs,
  runUntilDone,
  writeOut,
} from '../common/cli.ts';
import { definedOnly } from '../common/objects.ts';
import { readSecretsFile } from '../common/secrets.ts';
import { LOAD_DEFAULTS, type LoadOptions, startLoad } from './run.ts';

export const LOAD_USAGE = `hub sim load [options]
  --connections <n>          MQTT connections, one vessel each (default ${LOAD_DEFAULTS.connections})
  --qos <0|1>                (default 0)
  --rate <msg/s>             total target rate; omit for as fast as possible
  --duration <dur>           stop after this time (default 10s when --count is not given)
  --count <n>                stop after this many publishes
  --window <n>               QoS 1 publishes in flight per connection (default ${LOAD_DEFAULTS.window})
  --spread-sources           bind connection i to 127.0.0.(i mod 254 + 1) (loopback broker only)
  --clock-times              carry the raw clock in the NMEA times (exact latency; same-ms publishes share a time)
  --secrets <file>, --password <p>   MQTT passwords (username = vessel id)
  --url <mqtt-url>           (default mqtt://127.0.0.1:1883)
  --seed <n|text>            vessel ids of the fleet plan with this seed (default 1)`;

export async function run(argv: string[], opts: CliOptions): Promise<void> {
  const { values: v } = parseSimulatorArgs(argv, {
    connections: { type: 'string' },
    rate: { type: 'string' },
    count: { type: 'string' },
    window: { type: 'string' },
    'spread-sources': { type: 'boolean', default: false },
    'clock-times': { type: 'boolean', default: false },
    secrets: { type: 'string' },
  });
  if (v.help) return writeOut(opts, `${LOAD_USAGE}\n`);
  const load: LoadOptions = {
    url: v.url,
    qos: parseQos(v.qos),
    seed: parseSeed(v.seed),
    spreadSources: v['spread-sources'],
    timestamps: v['clock-times'] ? 'clock' : 'unique',
    ...definedOnly({
      connections: parseInteger(v.connections, 'connections', 1),
      rate: parseNumber(v.rate, 'rate'),
      count: parseInteger(v.count, 'count', 1),
      window: parseInteger(v.window, 'window', 1),
      durationMs: parseOptionalDurationMs(v.duration, 'duration'),
      password: v.password,
      secrets: v.secrets ? readSecretsFile(v.secrets) : undefined,
      signal: opts.signal,
    }),
  };
  const handle = await startLoad(load);
  // Ctrl-C ends the run early, with its report.
  const report = await runUntilDone(
    handle,
    opts,
    (s, rate) =>
      `load: ${rate.toFixed(0)} msg/s, ${s.sent} sent, ${s.acked} acked, ${s.errors} errors` +
      (s.qos === 1 ? `, PUBACK p50 ${s.latencyMs.p50} ms p99 ${s.latencyMs.p99} ms` : ''),
  );
  writeOut(opts, `${JSON.stringify(report, null, 2)}\n`);
  opts.log.info(report, 'load finished');
}
