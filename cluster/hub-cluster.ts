/**
 * Cluster mode in one object, for hub/hub.ts: the Redis-backed emitter and persistence aedes runs on,
 * this hub's claim on its instance name, the leader lease, and the duties the leader runs (alerts, the
 * remote feed, whatever the hub adds: Modbus polling, device-info points).
 *
 * Start order: `openCluster` (Redis reachable, name claimed) → broker with `backends` → `alerts()` →
 * `lead()`. Stop order: `stepDown()` (duties stop while the lease still fences the last state save, then
 * the lease is released so another hub takes over at once) → broker close → `close()`.
 */
import type { EventEmitter } from 'node:events';
import type { Aedes } from 'aedes';
import MQEmitterRedis from 'mqemitter-redis';
import type { Logger } from 'pino';
import type { HubAlerts } from '../hub/alerts-wiring.ts';
import type { ComponentHealth } from '../hub/health.ts';
import { type AlertsDeps, clusterAlerts } from './alerts.ts';
import { type ClusterConfig, clusterKeys, redactedUrl } from './config.ts';
import { claimInstance } from './instance-claim.ts';
import { type LeaderDuty, Leadership } from './leadership.ts';
import { LeaderLease } from './lease.ts';
import { redisPersistence } from './persistence.ts';
import { closeConnection, connected, redisConnection, within } from './redis.ts';
import { RemoteFeed, type RemoteFeedOptions } from './remote-feed.ts';

/** Bounds of a stop with Redis gone: duties (alerts flush their outbox, save the state), emitter close. */
const STEP_DOWN_MS = 10_000;
const EMITTER_CLOSE_MS = 2_000;

export interface HubCluster {
  /** aedes options: messages routed between hubs; sessions, queues, subscriptions, retained in Redis. */
  backends: { mq: unknown; persistence: unknown };
  /** The hub's alerts, run while this hub leads (register before `lead`). */
  alerts(deps: AlertsDeps): HubAlerts;
  /** Takes part in the election; while leader: alerts, the remote feed, then `duties` in order. */
  lead(
    opts: Omit<RemoteFeedOptions, 'aedes' | 'log'> & { aedes: Aedes; duties?: LeaderDuty[] },
  ): Promise<void>;
  isLeader(): boolean;
  health(): ComponentHealth;
  /** Stops the duties, then releases the lease. */
  stepDown(): Promise<void>;
  /** After the broker has closed: the claim and the Redis connections. */
  close(): Promise<void>;
}

export async function openCluster(opts: {
  config: ClusterConfig;
  instance: string;
  log: Logger;
  now: () => number;
}): Promise<HubCluster> {
  const { config, instance, log, now } = opts;
  const url = config.redis;
  const keys = clusterKeys(config.keyPrefix);
  const conn = (role: string, extra = {}) => redisConnection(url, `hub:${instance}:${role}`, log, extra);
  const pub = conn('pub', { enableAutoPipelining: true });
  const sub = conn('sub');
  const store = conn('persistence');
  // Lease rounds and state saves fail at once when Redis is gone, never queued for later: a lease
  // renewal that arrives late is worse than none, and a stop or a step-down must stay bounded.
  const control = conn('control', {
    enableOfflineQueue: false,
    commandTimeout: Math.max(1_000, config.renewIntervalMs),
  });
  const all = [pub, sub, store, control];
  const timing = { ttlMs: config.leaseTtlMs, renewIntervalMs: config.renewIntervalMs, log };
  let claim: LeaderLease;
  try {
    await connected(all, url, config.connectTimeoutMs);
    claim = await claimInstance({ redis: control, key: keys.instance(instance), instance, ...timing });
  } catch (err) {
    for (const c of all) c.disconnect();
    throw err;
  }

  // The same matching as aedes's own emitter: `#` also matches the parent level [MQTT-4.7.1-3].
  const mq = MQEmitterRedis({ pubConn: pub, subConn: sub, concurrency: 1000, matchEmptyLevels: true });
  let mqErrorLogged = false;
  // Its connection errors are emitted on `state` (untyped): unheard, an 'error' event would crash the hub.
  (mq as unknown as { state: EventEmitter }).state.on('error', (err: Error) => {
    if (!mqErrorLogged) log.warn({ err }, 'cluster: the shared emitter reports an error');
    mqErrorLogged = true;
  });
  // aedes.close() ends with the emitter's close, which waits for both connections to end: bounded here.
  const closeEmitter = mq.close.bind(mq);
  mq.close = (done?: () => void) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(force);
      done?.();
    };
    // A connection that is reconnecting never emits 'end': give up on a clean QUIT after a while.
    const force = setTimeout(() => {
      pub.disconnect();
      sub.disconnect();
      finish();
    }, EMITTER_CLOSE_MS);
    closeEmitter(finish);
  };
  const persistence = redisPersistence(store);

  const leadership = new Leadership([], log, now);
  const lease = new LeaderLease({
    redis: control,
    key: keys.leader,
    owner: instance,
    ...timing,
    now,
    onChange: (leader, reason) => void leadership.change(leader, reason),
  });
  leadership.onEssentialFailure = () => void lease.release('the alerts did not start');
  let feed: RemoteFeed | undefined;
  log.info({ redis: redactedUrl(url), instance, leaseTtlMs: config.leaseTtlMs }, 'cluster: joined');

  return {
    backends: { mq, persistence },
    alerts: (deps) => {
      const alerts = clusterAlerts(deps, { redis: control, keys, lease });
      leadership.add(alerts);
      return alerts;
    },
    lead: async ({ duties = [], ...feedOptions }) => {
      feed = new RemoteFeed({ ...feedOptions, log });
      leadership.add(feed);
      for (const duty of duties) leadership.add(duty);
      await lease.start();
    },
    isLeader: () => lease.isLeader(),
    health: () => {
      const down = all.filter((c) => c.status !== 'ready');
      const role = lease.isLeader() ? 'leader' : 'follower';
      const base = {
        role,
        leader: lease.holderOwner() ?? null,
        terms: leadership.terms,
        lastTakeoverMs: leadership.lastStartMs ?? null,
        ...(feed && role === 'leader' ? { remoteFeed: { ...feed.stats } } : {}),
      };
      return down.length
        ? { ok: false, reason: 'Redis unreachable: no routing between hubs, no leader election', ...base }
        : { ok: true, ...base };
    },
    stepDown: async () => {
      const stopped = await within(
        leadership.change(false, 'stopping').then(() => true),
        STEP_DOWN_MS,
      );
      if (!stopped)
        log.warn(
          { waitedMs: STEP_DOWN_MS },
          'cluster: leader duties still stopping; releasing the lease anyway',
        );
      await within(lease.stop(), EMITTER_CLOSE_MS);
    },
    close: async () => {
      await claim.stop();
      // aedes.close() has closed the emitter's connections; these are ours.
      for (const c of all) await closeConnection(c);
    },
  };
}
