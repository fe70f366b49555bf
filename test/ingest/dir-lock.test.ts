import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDirectory } from '../../ingest/dir-lock.ts';

describe('lockDirectory', () => {
  it('refuses a second owner while the first holds the lock, and frees it on release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    const release = lockDirectory(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid));
    expect(() => lockDirectory(dir)).toThrow(/HUB_ERR_DIR_LOCKED/);
    release();
    lockDirectory(dir)();
    rmSync(dir, { recursive: true });
  });

  it('takes over a lock whose process is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    writeFileSync(join(dir, 'LOCK'), '999999999'); // beyond any pid_max
    const release = lockDirectory(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid));
    release();
    rmSync(dir, { recursive: true });
  });
});
