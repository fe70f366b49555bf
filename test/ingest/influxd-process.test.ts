import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ping, startInfluxd } from '../../ingest/influxd-process.ts';
import { countPoints, createDatabase } from '../helpers/influxd.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'influxd-proc-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('private influxd', () => {
  it('says how to get InfluxDB when no influxd is on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = tempDir();
    try {
      await expect(startInfluxd({ dir: tempDir() })).rejects.toMatchObject({
        code: 'HUB_ERR_NO_INFLUXD',
        message: expect.stringMatching(/apt-get install influxdb.*influx\.url.*docker compose up influxdb/s),
      });
    } finally {
      process.env.PATH = path;
    }
  });

  it('restarts on the same directory and port with its data, and stops for good', async () => {
    const dir = tempDir();
    const first = await startInfluxd({ dir });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await createDatabase(first.url, 'kept');
    const write = await fetch(`${first.url}/write?db=kept&precision=ns`, {
      method: 'POST',
      body: 'm v=1i 1\n',
    });
    expect(write.status).toBe(204);
    await first.stop();
    expect(await ping(first.url)).toBe(false);

    const second = await startInfluxd({ dir, port: first.port });
    expect(second.url).toBe(first.url);
    expect(await countPoints(second.url, 'kept', 'm')).toBe(1);
    await second.stop();
    await second.stop(); // idempotent
    expect(await ping(second.url)).toBe(false);
  });
});
