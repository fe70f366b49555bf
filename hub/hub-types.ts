/** What `startHub` takes and gives: the running hub's parts, for the CLI, the demo and the tests. */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RunningBroker } from '../broker/broker.ts';
import type { HubConfig } from '../config/schema.ts';
import type { DurableWriter } from '../ingest/durable.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import type { Registry } from '../ingest/registry.ts';
import type { HubAlerts } from './alerts-wiring.ts';
import type { HealthReport } from './health.ts';
import type { LatestState } from './latest.ts';
import type { HubMetrics } from './metrics.ts';
import type { Safeguards } from './safeguards.ts';

export interface HubOptions {
  config: HubConfig;
  /** Relative paths in the config resolve against this folder. */
  baseDir?: string;
  log?: Logger;
  now?: () => number;
  /** Where to record the writer's own log of what it sent (tests, crash checks). */
  writerRecordFile?: string;
  /** The config file, re-read when the rules are reloaded (SIGHUP, `POST /api/rules/reload`). */
  configFile?: string;
}

export interface Hub {
  config: HubConfig;
  log: Logger;
  metrics: HubMetrics;
  registry: Registry;
  pipeline: IngestPipeline;
  broker: RunningBroker;
  durable: DurableWriter;
  /** Audit log, evidence archive, HTTP guards. */
  safeguards: Safeguards;
  latest: LatestState;
  alerts: HubAlerts;
  app: FastifyInstance;
  mqttPort: number;
  wsPort: number | null;
  httpPort: number;
  influxUrl: string;
  health(): HealthReport;
  /** Writes the `hub` point and the retained status now (also done every 10 s). */
  reportStatus(): void;
  stop(): Promise<void>;
}
