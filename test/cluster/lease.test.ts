/**
 * The leader lease and the fenced alert state against a real redis-server: one leader at a time, a
 * graceful hand-over at once, a silent leader replaced after the lease expires (never two leaders in
 * between), and a deposed leader unable to overwrite its successor's alert state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PersistedState } from '../../alerts/state-store.ts';
import { RedisAlertStateStore } from '../../cluster/alert-state.ts';
import { LeaderLease } from '../../cluster/lease.ts';
import { connected } from '../../cluster/redis.ts';
import { type RedisServer, startRedisServer } from '../../cluster/redis-process.ts';
import { silentLogger } from '../../hub/log.ts';
import { eventually } from '../helpers/hub.ts';

const TTL_MS = 600;
const RENEW_MS = 100;

function state(savedAtMs: number): PersistedState {
  return { version: 1, savedAtMs, rules: {}, alerts: {}, mutes: [], fleet: [] };
}

// Not skipped without redis-server: startRedisServer fails with the reason (`.ci/run` installs it).
describe('leader lease in Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-lease-'));
  let server: RedisServer;
  const conns: Redis[] = [];
  const leases: LeaderLease[] = [];
  let n = 0;

  const connection = () => {
    const conn = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    conn.on('error', () => {});
    conns.push(conn);
    return conn;
  };
  const ready = (conn: Redis) => connected([conn], server.url, 5_000);
  const lease = async (owner: string, key: string, changes: boolean[] = []) => {
    const redis = connection();
    await ready(redis);
    const l = new LeaderLease({
      redis,
      key,
      owner,
      ttlMs: TTL_MS,
      renewIntervalMs: RENEW_MS,
      log: silentLogger,
      onChange: (leader) => changes.push(leader),
    });
    leases.push(l);
    return { lease: l, redis, changes };
  };

  beforeAll(async () => {
    server = await startRedisServer({ dir });
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.stop()));
    for (const c of conns.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('elects one leader of three; the others name it', async () => {
    const key = `test:leader:${++n}`;
    const hubs = await Promise.all(['a', 'b', 'c'].map((o) => lease(o, key)));
    await Promise.all(hubs.map((h) => h.lease.start()));
    await new Promise((r) => setTimeout(r, 3 * RENEW_MS));
    const leaders = hubs.filter((h) => h.lease.isLeader());
    expect(leaders).toHaveLength(1);
    const name = leaders[0]?.lease.holderOwner();
    for (const h of hubs) expect(h.lease.holderOwner()).toBe(name);
    expect(await leaders[0]?.lease.confirm()).toBe(true);
  });

  it('hands over at once on a graceful stop (the lease is released, not left to expire)', async () => {
    const key = `test:leader:${++n}`;
    const first = await lease('a', key);
    await first.lease.start();
    const second = await lease('b', key);
    await second.lease.start();
    expect(first.lease.isLeader()).toBe(true);
    const stoppedAt = Date.now();
    await first.lease.stop();
    expect(first.changes).toEqual([true, false]);
    expect(await eventually(() => second.lease.isLeader(), 2_000, 10)).toBe(true);
    expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS);
  });

  it('replaces a leader cut off from Redis after the lease expires, never with two leaders at once', async () => {
    const key = `test:leader:${++n}`;
    const first = await lease('a', key);
    await first.lease.start();
    const second = await lease('b', key);
    await second.lease.start();
    let overlap = 0;
    const sampler = setInterval(() => {
      if (first.lease.isLeader() && second.lease.isLeader()) overlap++;
    }, 5);
    const cutAt = Date.now();
    first.redis.disconnect(); // a partition: it can neither renew nor release
    expect(await eventually(() => second.lease.isLeader(), 3 * TTL_MS, 10)).toBe(true);
    const takeoverMs = Date.now() - cutAt;
    clearInterval(sampler);
    expect(overlap).toBe(0);
    expect(first.lease.isLeader()).toBe(false);
    expect(first.changes).toEqual([true, false]);
    expect(takeoverMs).toBeLessThanOrEqual(2 * TTL_MS); // expiry + one round, with room for a busy machine
    expect(await first.lease.confirm()).toBe(false);
  });

  it('fences the alert state: a deposed leader cannot overwrite what its successor saved', async () => {
    const key = `test:leader:${++n}`;
    const stateKey = `test:state:${n}`;
    const old = await lease('a', key);
    await old.lease.start();
    const oldStore = new RedisAlertStateStore({
      redis: old.redis,
      stateKey,
      leaseKey: key,
      token: old.lease.token,
      log: silentLogger,
    });
    expect(await oldStore.save(state(1))).toBe(true);

    // The old leader pauses (no renewal); its lease expires and another hub takes it.
    await old.lease.stop(); // releases; a real pause would let it expire, with the same effect
    const next = await lease('b', key);
    await next.lease.start();
    expect(next.lease.isLeader()).toBe(true);
    const nextStore = new RedisAlertStateStore({
      redis: next.redis,
      stateKey,
      leaseKey: key,
      token: next.lease.token,
      log: silentLogger,
    });
    expect((await nextStore.load())?.savedAtMs).toBe(1);
    expect(await nextStore.save(state(2))).toBe(true);
    expect(await oldStore.save(state(3))).toBe(false);
    expect((await nextStore.load())?.savedAtMs).toBe(2);
  });

  it('starts from the local state.json when Redis holds no state yet (a hub joining a cluster)', async () => {
    const redis = connection();
    await ready(redis);
    const store = new RedisAlertStateStore({
      redis,
      stateKey: `test:state:empty:${++n}`,
      leaseKey: `test:leader:${n}`,
      token: 'nobody',
      log: silentLogger,
      fallback: () => state(42),
    });
    expect((await store.load())?.savedAtMs).toBe(42);
    expect(await store.save(state(43))).toBe(false); // not the leader: nothing stored
  });
});
