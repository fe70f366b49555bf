import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, envName, parseConfig, scalarPaths } from '../../config/load.ts';

describe('config', () => {
  it('fills every default', () => {
    const config = parseConfig({}, {});
    expect(config.broker.port).toBe(1883);
    expect(config.broker.wsPort).toBe(8083);
    expect(config.http.port).toBe(8080);
    expect(config.influx.database).toBe('telemetry');
    expect(config.influx.flushIntervalMs).toBeLessThanOrEqual(1000);
    expect(config.ingest.maxAgeDays).toBe(7);
    expect(config.broker.maxPacketBytes).toBe(256 * 1024);
  });

  it('applies HUB_<SECTION>_<KEY> overrides with types', () => {
    const config = parseConfig(
      { influx: { database: 'from-file' } },
      {
        HUB_INFLUX_URL: 'http://127.0.0.1:9999',
        HUB_INFLUX_DATABASE: 'from-env',
        HUB_BROKER_PORT: '0',
        HUB_BROKER_WS_PORT: '-1',
        HUB_HTTP_PORT: '0',
        HUB_SPOOL_DIR: '/tmp/s',
        HUB_BROKER_ALLOW_ANONYMOUS: 'true',
      },
    );
    expect(config.influx.url).toBe('http://127.0.0.1:9999');
    expect(config.influx.database).toBe('from-env');
    expect(config.broker.port).toBe(0);
    expect(config.broker.wsPort).toBe(-1);
    expect(config.spool.dir).toBe('/tmp/s');
    expect(config.broker.allowAnonymous).toBe(true);
  });

  it('names the path of a bad or unknown key', () => {
    expect(() => parseConfig({ influx: { maxBatchLines: 'many' } }, {})).toThrow(/influx\.maxBatchLines/);
    expect(() => parseConfig({ broker: { prot: 1883 } }, {})).toThrow(/broker.*prot/);
    expect(() => parseConfig({ nonsense: {} }, {})).toThrow(ConfigError);
    expect(() => parseConfig({}, { HUB_BROKER_PORT: 'eighty' })).toThrow(/HUB_BROKER_PORT/);
  });

  it('documents every scalar key in the README configuration reference', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const missing = scalarPaths()
      .map((p) => p.path.join('.'))
      .filter((key) => !readme.includes(`\`${key}\``));
    expect(missing).toEqual([]);
    expect(envName(['broker', 'wsPort'])).toBe('HUB_BROKER_WS_PORT');
  });
});
