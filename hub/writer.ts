/**
 * The durable writer as the hub opens it: spool in `spool.dir`, InfluxDB at the resolved URL, metrics
 * from its hooks, and the lines InfluxDB refuses (400) handed back as dead letters.
 */
import type { Logger } from 'pino';
import { resolveFrom } from '../config/load.ts';
import type { HubConfig } from '../config/schema.ts';
import type { DeadLetter } from '../ingest/deadletter.ts';
import { DurableWriter } from '../ingest/durable.ts';
import type { HubMetrics } from './metrics.ts';

export function openWriter(deps: {
  config: HubConfig;
  baseDir: string;
  influxUrl: string;
  log: Logger;
  metrics: HubMetrics;
  recordFile?: string | undefined;
  /** Where refused lines go; a refused dead-letter record is only logged (it would loop). */
  deadLetter(dl: DeadLetter): void;
}): Promise<DurableWriter> {
  const { config, baseDir, log, metrics } = deps;
  const recordFile =
    deps.recordFile ?? (config.spool.recordFile && resolveFrom(baseDir, config.spool.recordFile));
  return DurableWriter.open({
    spool: { ...config.spool, dir: resolveFrom(baseDir, config.spool.dir) },
    influx: { ...config.influx, url: deps.influxUrl },
    log,
    ...(recordFile ? { recordFile } : {}),
    hooks: {
      written: (lines, ms) => metrics.recordWrite(lines, ms),
      writeError: (kind) => metrics.recordWriteError(kind),
      influxUp: () => {}, // the drainer logs each change, with its reason
      rejected: (lines, error) => {
        for (const line of lines) {
          if (line.startsWith('deadletter,'))
            log.error({ line, error }, 'InfluxDB refused a dead-letter record');
          else
            deps.deadLetter({
              topic: '(influxdb)',
              client: 'hub',
              reason: 'influx_rejected',
              error,
              payload: line,
            });
        }
      },
    },
  });
}
