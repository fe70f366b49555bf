/**
 * aedes-persistence-redis for aedes 1.x. Its package's main export wraps the store in the callback API
 * of aedes 0.x; aedes 1.x wants the promise-based class behind it (`asyncPersistence.js`). One gap
 * remains: aedes 1.2's SUBSCRIBE handler pipes `createRetainedStreamCombi()` (`stream.pipe(...)`), and
 * this store returns an async generator, so retained messages are handed over as a Readable here.
 * Everything else (sessions, QoS 1 queues, subscriptions, wills) is the package's own.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { Redis } from 'ioredis';

interface RetainedSource {
  createRetainedStreamCombi(patterns: string[]): AsyncIterable<unknown>;
}

type PersistenceClass = new (opts: { conn: Redis }) => RetainedSource;

// No typings ship with the package.
const AsyncRedisPersistence = createRequire(import.meta.url)(
  'aedes-persistence-redis/asyncPersistence.js',
) as PersistenceClass;

class AedesRedisPersistence extends AsyncRedisPersistence {
  override createRetainedStreamCombi(patterns: string[]): Readable & AsyncIterable<unknown> {
    return Readable.from(super.createRetainedStreamCombi(patterns));
  }

  createRetainedStream(pattern: string): Readable {
    return this.createRetainedStreamCombi([pattern]);
  }
}

/** The aedes persistence on an open ioredis connection (closed by its owner, not by aedes). */
export function redisPersistence(conn: Redis): object {
  return new AedesRedisPersistence({ conn });
}
