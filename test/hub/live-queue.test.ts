import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../hub/log.ts';
import { LiveQueue } from '../../ingest/live-queue.ts';
import type { Point } from '../../ingest/point.ts';

describe('LiveQueue', () => {
  it('hands batches on after the current tick, in order', async () => {
    const seen: number[] = [];
    const queue = new LiveQueue((_points, at) => seen.push(at), silentLogger);
    queue.push([], 1);
    queue.push([], 2);
    expect(seen).toEqual([]); // the PUBACKs of the group go first
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([1, 2]);
    expect(queue.length).toBe(0);
  });

  it('never holds more than its bound: beyond it, push consumes at once', () => {
    let consumed = 0;
    const queue = new LiveQueue(() => consumed++, silentLogger);
    const points: Point[] = [];
    for (let i = 0; i < 5000; i++) queue.push(points, i);
    expect(queue.length).toBeLessThanOrEqual(1000);
    expect(consumed).toBe(5000 - queue.length);
  });

  it('keeps going when a consumer throws', async () => {
    const seen: number[] = [];
    const queue = new LiveQueue((_p, at) => {
      if (at === 1) throw new Error('boom');
      seen.push(at);
    }, silentLogger);
    queue.push([], 1);
    queue.push([], 2);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([2]);
  });
});
