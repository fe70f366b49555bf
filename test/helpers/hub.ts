/**
 * Starts the real hub in-process on free ports against a real influxd (a fresh database per hub), with
 * a temp spool directory; `mqttClient` connects real mqtt.js clients to it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { parseConfig } from '../../config/load.ts';
import type { HubConfigInput } from '../../config/schema.ts';
import { type Hub, startHub } from '../../hub/hub.ts';
import { silentLogger } from '../../hub/log.ts';
import { sharedInfluxUrl, uniqueDatabase } from './influxd.ts';

export interface TestHub {
  hub: Hub;
  dir: string;
  database: string;
  influxUrl: string;
  stop(): Promise<void>;
}

type Sections = { [K in keyof HubConfigInput]?: Partial<NonNullable<HubConfigInput[K]>> };

export async function startTestHub(
  sections: Sections = {},
  opts: { dir?: string; database?: string; writerRecordFile?: string; now?: () => number } = {},
): Promise<TestHub> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'hub-test-'));
  const influxUrl = sections.influx?.url ?? (await sharedInfluxUrl());
  const database = opts.database ?? uniqueDatabase('hub');
  const config = parseConfig(
    {
      ...sections,
      broker: {
        port: 0,
        wsPort: 0,
        host: '127.0.0.1',
        allowAnonymous: true,
        instance: 'test-hub',
        ...sections.broker,
      },
      http: { port: 0, host: '127.0.0.1', ...sections.http },
      influx: {
        url: influxUrl,
        database,
        flushIntervalMs: 50,
        retryMinMs: 50,
        retryMaxMs: 500,
        ...sections.influx,
      },
      spool: { dir: join(dir, 'spool'), ...sections.spool },
      log: { level: 'silent', ...sections.log },
    },
    {},
  );
  const hub = await startHub({
    config,
    baseDir: dir,
    log: silentLogger,
    ...(opts.writerRecordFile ? { writerRecordFile: opts.writerRecordFile } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  return {
    hub,
    dir,
    database,
    influxUrl,
    stop: async () => {
      await hub.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function mqttClient(port: number, opts: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
}

/** Polls `check` until it returns a truthy value or the time runs out (then returns the last value). */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
  stepMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await check();
  while (!last && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, stepMs));
    last = await check();
  }
  return last;
}
