/**
 * `broker.cluster`: several hubs sharing one Redis (issue 9). Present = cluster mode: aedes routes
 * messages and keeps sessions, QoS 1 queues, subscriptions and retained messages in Redis; one hub
 * leads (alerts, Modbus polling) under a lease that expires unless renewed.
 */
import { z } from 'zod';

export const ClusterConfigSchema = z
  .object({
    /** `redis://[user:password@]host:6379[/db]` or `rediss://` (TLS). */
    redis: z.url({ protocol: /^rediss?$/ }),
    /** The leader lease's lifetime: a dead leader is replaced at most this long (plus one renewal) after its last renewal. */
    leaseTtlMs: z.number().int().min(1000).max(60_000).default(8_000),
    /** The leader renews, and followers try to take the lease, this often. */
    renewIntervalMs: z.number().int().min(100).default(2_000),
    /** Prefix of the hub's own Redis keys (lease, alert state, instance claims); aedes's keys are its own. */
    keyPrefix: z.string().default('hub:'),
    /** A hub not reaching Redis within this at start refuses to start. */
    connectTimeoutMs: z.number().int().positive().default(10_000),
  })
  .strict()
  .refine((c) => c.renewIntervalMs * 2 < c.leaseTtlMs, {
    message:
      'renewIntervalMs must be less than half of leaseTtlMs (a leader must get two renewals in per lease)',
    path: ['renewIntervalMs'],
  });

export type ClusterConfig = z.infer<typeof ClusterConfigSchema>;

/** The Redis keys of one cluster (aedes-persistence-redis and mqemitter-redis name their own). */
export function clusterKeys(prefix: string) {
  return {
    leader: `${prefix}leader`,
    alertState: `${prefix}alerts:state`,
    instance: (name: string) => `${prefix}instance:${name}`,
  };
}

export type ClusterKeys = ReturnType<typeof clusterKeys>;

/** The URL for logs: without its password. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
