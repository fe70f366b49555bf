/**
 * One InfluxDB for the whole test run, handed to the tests with `provide('influx', ...)`:
 * INFLUX_URL (+ INFLUX_TOKEN) when set; else a private influxd (Debian's `influxdb`) on a free loopback
 * port; else an InfluxDB 2.x container through testcontainers. Without any of them the run still goes
 * on (decoder tests need no database); tests that need one fail with the reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findInfluxd, startInfluxd } from '../../ingest/influxd-process.ts';
import type { SharedInflux } from './influxd.ts';

type Teardown = () => Promise<void>;

const CONTAINER_TOKEN = 'hub-test-token';

async function startContainer(): Promise<{ shared: SharedInflux; teardown?: Teardown }> {
  try {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('influxdb:2.7')
      .withEnvironment({
        DOCKER_INFLUXDB_INIT_MODE: 'setup',
        DOCKER_INFLUXDB_INIT_USERNAME: 'hub',
        DOCKER_INFLUXDB_INIT_PASSWORD: 'hub-test-password',
        DOCKER_INFLUXDB_INIT_ORG: 'hub',
        DOCKER_INFLUXDB_INIT_BUCKET: 'telemetry',
        DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: CONTAINER_TOKEN,
      })
      .withExposedPorts(8086)
      .withWaitStrategy(Wait.forHttp('/ping', 8086).forStatusCode(204))
      .withStartupTimeout(60_000)
      .start();
    const url = `http://${container.getHost()}:${container.getMappedPort(8086)}`;
    return { shared: { url, token: CONTAINER_TOKEN }, teardown: async () => void (await container.stop()) };
  } catch (err) {
    const message = String((err as Error).message ?? err);
    const reason = /Could not find a working container runtime strategy/.test(message)
      ? 'no container runtime either'
      : `the InfluxDB container did not start: ${message}`;
    return {
      shared: {
        error: `no influxd on PATH (apt-get install influxdb), INFLUX_URL unset, and ${reason}`,
      },
    };
  }
}

export default async function setup(project: TestProject): Promise<Teardown | undefined> {
  if (process.env.INFLUX_URL) {
    const shared: SharedInflux = { url: process.env.INFLUX_URL };
    if (process.env.INFLUX_TOKEN) shared.token = process.env.INFLUX_TOKEN;
    project.provide('influx', shared);
    return undefined;
  }
  if (!findInfluxd()) {
    const { shared, teardown } = await startContainer();
    project.provide('influx', shared);
    return teardown;
  }
  const dir = mkdtempSync(join(tmpdir(), 'influxd-shared-'));
  try {
    const influxd = await startInfluxd({ dir });
    project.provide('influx', { url: influxd.url });
    return async () => {
      await influxd.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    project.provide('influx', { error: (err as Error).message });
    return undefined;
  }
}
