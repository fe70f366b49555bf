/** What the hub hands AlertService (service.ts), and what a rules reload answers. */
import type { Logger } from 'pino';
import type { Point } from '../ingest/point.ts';
import type { Registry } from '../ingest/registry.ts';
import type { AlertsConfig } from './config.ts';
import type { PublishFn } from './notifiers/types.ts';
import type { QueryFn } from './seed.ts';
import type { AlertStateStore } from './state-store.ts';

export interface AlertServiceOptions {
  config: AlertsConfig;
  /** Relative paths of the config (rulesFile, stateDir, zone files of inline rules) resolve here. */
  baseDir: string;
  registry: Registry;
  log: Logger;
  now: () => number;
  instance: string;
  publish: PublishFn;
  /** Durable (the hub's spool). */
  writePoints(points: Point[]): void;
  /** InfluxQL → rows (columns plus the series' tags; `rowsFromQueryResponse` makes them). */
  query?: QueryFn;
  /** Engine clock period, ms (default 1000); 0 = no timer, the caller calls `tick()`. */
  tickMs?: number;
  /** Save period when only last-seen times changed, ms (default 10 000). */
  saveIntervalMs?: number;
  /** Where the state lives (default `state.json` in `stateDir`; a cluster shares it through Redis). */
  stateStore?: AlertStateStore;
  /**
   * Cluster mode: asked before every delivery, after the state behind it has been stored; false = this
   * hub no longer leads and sends nothing. Unset (one hub): deliveries are not gated.
   */
  mayNotify?: () => Promise<boolean>;
}

export type ReloadResult = { ok: true; rules: number } | { ok: false; error: string };
