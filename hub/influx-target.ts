/**
 * Which InfluxDB the hub writes to: `influx.url`, or, when it is unset, a private influxd started in
 * `influx.embeddedDir` (development only, said loudly at start).
 */
import type { Logger } from 'pino';
import { resolveFrom } from '../config/load.ts';
import type { HubConfig } from '../config/schema.ts';
import { startInfluxd } from '../ingest/influxd-process.ts';

export async function influxUrlFor(
  config: HubConfig,
  baseDir: string,
  log: Logger,
  onStop: (stop: () => Promise<void>) => void,
): Promise<string> {
  if (config.influx.url) return config.influx.url;
  log.warn(
    { dir: config.influx.embeddedDir },
    'influx.url is not set: starting a PRIVATE influxd for development. A production config must name its InfluxDB server (influx.url / HUB_INFLUX_URL).',
  );
  const influxd = await startInfluxd({ dir: resolveFrom(baseDir, config.influx.embeddedDir), log });
  onStop(() => influxd.stop());
  log.warn({ service: 'influxdb', url: influxd.url, embedded: true }, 'listening');
  return influxd.url;
}
