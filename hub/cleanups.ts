/** Runs stop steps in reverse start order; one failing step does not keep the others from running. */
import type { Logger } from 'pino';

export async function runCleanups(cleanups: Array<() => Promise<void> | void>, log: Logger): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      log.warn({ err }, 'error while stopping');
    }
  }
  cleanups.length = 0;
}
