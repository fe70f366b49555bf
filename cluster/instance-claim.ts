/**
 * Every hub of a cluster needs its own `broker.instance`: aedes uses it as the broker id (which hub a
 * message came from, whose will to publish) and the hub as its status topic. A hub claims its name with
 * a lease of its own (`{prefix}instance:{name}`) and refuses to start while another running process
 * holds it. A process killed with -9 leaves its claim until it expires: its restart waits that long.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ClusterError } from './errors.ts';
import { LeaderLease } from './lease.ts';

export async function claimInstance(opts: {
  redis: Redis;
  key: string;
  instance: string;
  ttlMs: number;
  renewIntervalMs: number;
  log: Logger;
}): Promise<LeaderLease> {
  const { log, instance } = opts;
  const claim = new LeaderLease({
    ...opts,
    owner: instance,
    onChange: (held, reason) => {
      if (!held && reason !== 'stopping')
        log.error({ instance, reason }, 'cluster: this hub lost the claim on its instance name');
    },
  });
  await claim.start();
  if (claim.isLeader()) return claim;
  const holder = await claim.holder().catch(() => null);
  log.warn(
    { instance, holder, waitMs: opts.ttlMs },
    'cluster: the instance name is held by another process (a killed one expires); waiting',
  );
  const deadline = Date.now() + opts.ttlMs + opts.renewIntervalMs;
  while (!claim.isLeader() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(250, opts.renewIntervalMs)));
    await claim.attempt();
  }
  if (claim.isLeader()) return claim;
  await claim.stop();
  throw new ClusterError(
    'HUB_ERR_CLUSTER_INSTANCE_TAKEN',
    `broker.instance "${instance}" is in use by another running hub (${holder ?? 'unknown'}): every hub of a cluster needs its own name`,
  );
}
