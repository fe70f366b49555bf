/**
 * The alerts service in the hub: evaluates the live stream, publishes transitions through the broker,
 * writes `alert` and `vessel_state` points through the spool, and serves the API and operator page.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { PublishFn } from '../alerts/notifiers/types.ts';
import { AlertService } from '../alerts/service.ts';
import type { AlertStateStore } from '../alerts/state-store.ts';
import { loadConfig } from '../config/load.ts';
import type { HubConfig } from '../config/schema.ts';
import { influxQuery } from '../ingest/influx-query.ts';
import type { InfluxTarget } from '../ingest/influx-writer.ts';
import type { Point } from '../ingest/point.ts';
import type { Registry } from '../ingest/registry.ts';
import { alertsRoutes } from './alerts-routes.ts';
import type { ComponentHealth, HealthReport } from './health.ts';
import { operatorPageRoutes } from './operator-page.ts';

/** `vessel_state` every minute (DESIGN.md). */
export const FLEET_STATE_INTERVAL_MS = 60_000;

export interface HubAlerts {
  service: AlertService;
  onPoints(points: Point[], receivedAtMs: number): void;
  routes(
    health: () => HealthReport,
    audit?: (event: string, details: Record<string, unknown>) => void,
  ): Array<(app: FastifyInstance) => void>;
  reload(): Promise<{ ok: boolean; rules?: number; error?: string }>;
  health(): ComponentHealth;
  notifierFailures(): number;
  stop(): Promise<void>;
}

export async function startAlerts(deps: {
  config: HubConfig;
  baseDir: string;
  configFile?: string | undefined;
  registry: Registry;
  log: Logger;
  now: () => number;
  influx: InfluxTarget;
  publish: PublishFn;
  writePoints(points: Point[]): void;
  /** Cluster mode (cluster/alerts.ts): the shared state, the leader gate, a takeover's re-notification. */
  cluster?: {
    stateStore: AlertStateStore;
    mayNotify(): Promise<boolean>;
    /** Notify the firing alerts again (same transition ids): this hub takes over from another. */
    takeover: boolean;
  };
}): Promise<HubAlerts> {
  const reader = influxQuery(deps.influx);
  const service = new AlertService({
    config: deps.config.alerts,
    baseDir: deps.baseDir,
    registry: deps.registry,
    log: deps.log,
    now: deps.now,
    instance: deps.config.broker.instance,
    publish: deps.publish,
    writePoints: deps.writePoints,
    query: (q) => reader.query(q),
    ...(deps.cluster ? { stateStore: deps.cluster.stateStore, mayNotify: deps.cluster.mayNotify } : {}),
  });
  await service.start();
  if (deps.cluster?.takeover) {
    const renotified = service.renotifyFiring();
    if (renotified) deps.log.info({ renotified }, 'alerts: firing alerts notified again after the takeover');
  }
  // The embedded broker keeps retained messages in memory: put back those of the alerts still firing, so
  // a subscriber arriving after a restart still sees them (same JSON, same transition id: no new alert).
  for (const { topic, payload } of service.retainedFiring())
    deps
      .publish(topic, JSON.stringify(payload), { qos: 1, retain: true })
      .catch((err) => deps.log.warn({ err, topic }, 'alerts: could not restore a retained alert'));
  const fleetTimer = setInterval(
    () => deps.writePoints(service.fleet().snapshot(deps.now())),
    FLEET_STATE_INTERVAL_MS,
  );

  const reload = async () => {
    try {
      const fresh = deps.configFile ? loadConfig(deps.configFile).config.alerts : undefined;
      return await service.reloadRules(fresh);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  };

  return {
    service,
    onPoints: (points, receivedAtMs) => service.onPoints(points, receivedAtMs),
    routes: (health, audit) => [
      alertsRoutes({ alerts: service, reloadRules: reload, now: deps.now, ...(audit ? { audit } : {}) }),
      operatorPageRoutes({ alerts: service, health, now: deps.now, ...(audit ? { audit } : {}) }),
    ],
    reload,
    health: () => {
      const h = service.health() as { ok?: boolean; reason?: string } & Record<string, unknown>;
      return { ...h, ok: h.ok ?? true };
    },
    notifierFailures: () => service.metrics().notifierFailures,
    stop: async () => {
      clearInterval(fleetTimer);
      await service.stop();
      reader.close();
    },
  };
}
