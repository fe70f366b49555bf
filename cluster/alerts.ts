/**
 * The alerts of a cluster hub: the same service as on a single hub (hub/alerts-wiring.ts), run only
 * while this hub leads. Each term starts a fresh service from the state in Redis (and the rules of the
 * config file as it is now), gated by the lease before every notification, and notifies the firing
 * alerts again with their own transition ids. A follower's alerts API and operator page answer 503
 * naming the leader; its hot path drops points (the leader sees the whole stream through the emitter).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { AlertService } from '../alerts/service.ts';
import { StateStore } from '../alerts/state-store.ts';
import { loadConfig } from '../config/load.ts';
import { alertsRoutes } from '../hub/alerts-routes.ts';
import { type HubAlerts, startAlerts } from '../hub/alerts-wiring.ts';
import { operatorPageRoutes } from '../hub/operator-page.ts';
import { RedisAlertStateStore } from './alert-state.ts';
import type { ClusterKeys } from './config.ts';
import { ClusterError } from './errors.ts';
import type { LeaderDuty } from './leadership.ts';
import type { LeaderLease } from './lease.ts';

export type AlertsDeps = Omit<Parameters<typeof startAlerts>[0], 'cluster'>;

export type ClusterAlerts = HubAlerts & LeaderDuty;

export function clusterAlerts(
  deps: AlertsDeps,
  cluster: { redis: Redis; keys: ClusterKeys; lease: LeaderLease },
): ClusterAlerts {
  let current: HubAlerts | undefined;
  const { lease } = cluster;
  const notLeader = () =>
    new ClusterError(
      'HUB_ERR_CLUSTER_NOT_LEADER',
      `alerts run on the leader hub (${lease.holderOwner() ?? 'none right now'}), not on ${deps.config.broker.instance}: ask the leader`,
      { statusCode: 503 },
    );
  // The routes are registered once; each call goes to the service of the current term.
  const service = new Proxy({} as AlertService, {
    get: (_target, prop) => {
      const live = current?.service;
      if (!live) throw notLeader();
      const value: unknown = Reflect.get(live, prop, live);
      return typeof value === 'function' ? value.bind(live) : value;
    },
  });

  const freshAlertsConfig = () => {
    if (!deps.configFile) return deps.config;
    try {
      return { ...deps.config, alerts: loadConfig(deps.configFile).config.alerts };
    } catch (err) {
      deps.log.error({ err }, 'alerts: the config file does not load now; the start-up rules are used');
      return deps.config;
    }
  };

  const reload = async () => (current ? current.reload() : { ok: false, error: notLeader().message });

  const alerts: ClusterAlerts = {
    name: 'alerts',
    essential: true,
    get service() {
      return service;
    },
    async start() {
      if (current) return;
      const config = freshAlertsConfig();
      const stateFile = join(resolve(deps.baseDir, config.alerts.stateDir), 'state.json');
      const stateStore = new RedisAlertStateStore({
        redis: cluster.redis,
        stateKey: cluster.keys.alertState,
        leaseKey: cluster.keys.leader,
        token: lease.token,
        log: deps.log,
        ...(existsSync(stateFile)
          ? { fallback: () => new StateStore(resolve(deps.baseDir, config.alerts.stateDir), deps.log).load() }
          : {}),
      });
      current = await startAlerts({
        ...deps,
        config,
        cluster: { stateStore, mayNotify: () => lease.confirm(), takeover: true },
      });
    },
    async stop() {
      const ending = current;
      current = undefined;
      await ending?.stop();
    },
    onPoints: (points, receivedAtMs) => current?.onPoints(points, receivedAtMs),
    routes: (health, audit) => [
      alertsRoutes({ alerts: service, reloadRules: reload, now: deps.now, ...(audit ? { audit } : {}) }),
      operatorPageRoutes({ alerts: service, health, now: deps.now, ...(audit ? { audit } : {}) }),
    ],
    reload,
    health: () =>
      current
        ? { ...current.health(), role: 'leader' }
        : { ok: true, role: 'follower', leader: lease.holderOwner() ?? null },
    notifierFailures: () => current?.notifierFailures() ?? 0,
  };
  return alerts;
}
