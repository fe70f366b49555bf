/**
 * The durable-writer tests' own influxd, for outages. Not in durable-helpers.ts: crash-child.ts loads
 * that outside vitest.
 */
import { afterAll, beforeAll } from 'vitest';
import { type PrivateInfluxd, privateInfluxd } from '../helpers/influxd.ts';

/**
 * An influxd of the enclosing describe block's own, which its tests may stop and start: started before
 * them, disposed after. Returns its getter.
 */
export function privateInfluxdPerSuite(): () => PrivateInfluxd {
  let influxd: PrivateInfluxd | undefined;
  beforeAll(async () => {
    influxd = await privateInfluxd();
  });
  afterAll(async () => {
    await influxd?.dispose();
  });
  return () => {
    if (!influxd) throw new Error('the private influxd did not start (see beforeAll)');
    return influxd;
  };
}
