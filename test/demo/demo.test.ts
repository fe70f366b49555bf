/**
 * `hub demo` for a bounded time against a real influxd: every kind of point lands, and the silence and
 * boundary scenarios fire their alerts for the vessels made to do so, and for no other vessel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, startDemo } from '../../hub/demo.ts';
import { silentLogger } from '../../hub/log.ts';
import { eventually } from '../helpers/hub.ts';
import { countPoints, query, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';

// ×1200: a "6 h" silence takes 18 s, the drifting vessel crosses the outer boundary in a few seconds.
const SPEEDUP = 1200;

describe('hub demo', () => {
  let demo: Demo;
  let dir: string;
  let url: string;
  const database = uniqueDatabase('demo');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-demo-'));
    url = await sharedInfluxUrl();
    demo = await startDemo({
      log: silentLogger,
      speedup: SPEEDUP,
      vessels: 12,
      dataDir: dir,
      overrides: {
        influx: { url, database, flushIntervalMs: 100 },
        broker: { port: 0, wsPort: 0, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
      },
    });
  });
  afterAll(async () => {
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('fills every measurement the dashboards read', async () => {
    for (const measurement of [
      'vessel_position',
      'vessel_static',
      'environment',
      'camera_event',
      'device_info',
    ]) {
      const n = await eventually(() => countPoints(url, database, measurement), 30_000, 250);
      expect(n, measurement).toBeGreaterThan(0);
    }
    const aqi = await eventually(
      () => query(url, database, 'SELECT count(aqi) FROM environment').then((r) => Number(r[0]?.count ?? 0)),
      30_000,
      250,
    );
    expect(aqi).toBeGreaterThan(0);
  });

  it('fires the silence and boundary alerts for the scenario vessels only', async () => {
    const { silent, drift } = demo.scenarios;
    expect(silent).toHaveLength(1);
    expect(drift).toHaveLength(1);
    const firing = async (rule: string) =>
      (
        await query(
          url,
          database,
          `SELECT entity, state FROM alert WHERE rule = '${rule}' AND state = 'firing'`,
        )
      ).map((r) => r.entity);
    const silentFired = await eventually(
      async () => ((await firing('vms-silent-6h')).length ? firing('vms-silent-6h') : null),
      90_000,
      500,
    );
    expect([...new Set(silentFired)]).toEqual(silent);
    const crossed = await eventually(
      async () =>
        (await firing('vessel-crossed-boundary')).length ? firing('vessel-crossed-boundary') : null,
      60_000,
      500,
    );
    expect([...new Set(crossed)]).toEqual(drift);
    const approaching = await firing('vessel-approaching-boundary');
    expect(new Set(approaching)).toEqual(new Set(drift));
  });

  it('writes the fleet state and the dashboards', async () => {
    const n = await eventually(() => countPoints(url, database, 'vessel_state'), 75_000, 1000);
    expect(n).toBeGreaterThan(0);
    expect(demo.banner()).toContain(`mqtt://127.0.0.1:${demo.hub.mqttPort}`);
  });
});
