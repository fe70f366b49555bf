/**
 * Redis connections of cluster mode (ioredis): named, so `CLIENT LIST` shows which hub holds which; a
 * lost connection is logged once and retried with a capped backoff; `connected` waits for the first
 * answer so a hub that cannot reach Redis refuses to start instead of hanging.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { redactedUrl } from './config.ts';
import { ClusterError } from './errors.ts';

/** Reconnect after 100 ms, 200 ms, ... at most every 2 s. */
const RETRY_CAP_MS = 2_000;

export function redisConnection(url: string, name: string, log: Logger, extra: RedisOptions = {}): Redis {
  const conn = new Redis(url, {
    connectionName: name,
    retryStrategy: (times) => Math.min(times * 100, RETRY_CAP_MS),
    ...extra,
  });
  let down = false;
  conn.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn(
      { err, connection: name, redis: redactedUrl(url) },
      'cluster: Redis connection failing; retrying',
    );
  });
  conn.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ connection: name }, 'cluster: Redis connection back');
  });
  return conn;
}

/** Resolves once every connection is ready; rejects with HUB_ERR_CLUSTER_REDIS after `timeoutMs`. */
export async function connected(conns: readonly Redis[], url: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ClusterError(
            'HUB_ERR_CLUSTER_REDIS',
            `no answer from Redis at ${redactedUrl(url)} within ${timeoutMs} ms (broker.cluster.redis)`,
          ),
        ),
      timeoutMs,
    );
  });
  const ready = (c: Redis) =>
    c.status === 'ready' ? Promise.resolve() : new Promise<void>((r) => c.once('ready', () => r()));
  try {
    await Promise.race([Promise.all(conns.map(ready)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `work`, or undefined once `ms` have passed (the work goes on, unawaited). */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** QUIT, or a hard disconnect when Redis does not answer (a hub stops even with Redis gone). */
export async function closeConnection(conn: Redis): Promise<void> {
  if (conn.status === 'end') return;
  if (conn.status === 'ready')
    await within(
      conn.quit().catch(() => {}),
      1_000,
    );
  conn.disconnect();
}
