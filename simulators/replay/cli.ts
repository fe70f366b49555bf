/** `hub sim replay <file> --topic <topic> [options]`: a recorded NMEA/AIS log, once. */
import { fileURLToPath } from 'node:url';
import {
  type CliOptions,
  parseNumber,
  parseQos,
  parseSimulatorArgs,
  runUntilDone,
  SimulatorUsageError,
  writeOut,
} from '../common/cli.ts';
import { definedOnly } from '../common/objects.ts';
import { startReplay } from './run.ts';

/** The sample log shipped with the repo. */
export const SAMPLE_LOG = fileURLToPath(new URL('../samples/hue-sample.nmea', import.meta.url));

export const REPLAY_USAGE = `hub sim replay <file.nmea> --topic <topic> [options]
  <file>                     the log; "sample" = simulators/samples/hue-sample.nmea
  --topic <topic>            where to publish, e.g. vessels/TTH-90123-TS/nmea or ais/ais-thuan-an (required)
  --rate <lines/s>           fixed pace instead of the log's own timing
  --speedup <k>              the log's own timing, k times faster (default 1)
  --username <id>            default: the topic's device id (vessels/{id}/...)
  --password <p>, --url <mqtt-url>, --qos <0|1>
  The sentences keep their recorded times: run the hub with ingest.maxAgeDays: 0 to accept them.`;

export async function run(argv: string[], opts: CliOptions): Promise<void> {
  const { values: v, positionals } = parseSimulatorArgs(
    argv,
    {
      topic: { type: 'string' },
      username: { type: 'string' },
      rate: { type: 'string' },
      speedup: { type: 'string' },
    },
    { positionals: true },
  );
  if (v.help) return writeOut(opts, `${REPLAY_USAGE}\n`);
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new SimulatorUsageError('give one log file (or "sample")');
  if (!v.topic) throw new SimulatorUsageError('--topic is required');
  const rate = parseNumber(v.rate, 'rate', 0.001);
  const handle = await startReplay({
    file: file === 'sample' ? SAMPLE_LOG : file,
    topic: v.topic,
    url: v.url,
    qos: parseQos(v.qos),
    ...(rate !== undefined ? { timing: 'rate' as const, rate } : {}),
    ...definedOnly({
      speedup: parseNumber(v.speedup, 'speedup', 0.001),
      username: v.username,
      password: v.password,
      signal: opts.signal,
    }),
  });
  opts.log.info({ file, topic: v.topic, entries: handle.stats().entries }, 'replay started');
  const final = await runUntilDone(
    handle,
    opts,
    (s) =>
      `replay: ${s.published}/${s.entries} sent, ${s.errors} errors` +
      (s.logTimeMs !== undefined ? `, log time ${new Date(s.logTimeMs).toISOString()}` : ''),
  );
  opts.log.info(final, 'replay finished');
}
