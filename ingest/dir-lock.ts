/**
 * One process per data directory: two hubs appending to one spool (or one archive) would interleave
 * and corrupt it. The lock is a `LOCK` file holding the owner's pid, created exclusively; a lock left by
 * a process that no longer runs (kill -9, power loss) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { IngestError } from './errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock; returns the release function. Throws HUB_ERR_DIR_LOCKED when held. */
export function lockDirectory(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new IngestError('HUB_ERR_DIR_LOCKED', `${dir} is in use by process ${owner} (another hub?)`);
      }
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new IngestError('HUB_ERR_DIR_LOCKED', `${dir}: could not take the lock`);
}
