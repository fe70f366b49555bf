import { describe, expect, it } from 'vitest';
import { openFileLimit } from '../../bench/idle.ts';
import { cpuPercent, parseProcStat, parseProcStatus } from '../../bench/proc-stats.ts';
import { percentile, ratePerSecond, ratio, summarize } from '../../bench/stats.ts';

describe('percentile (nearest rank)', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

  it('takes the smallest value with at least p of the samples at or below it', () => {
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.99)).toBe(99);
    expect(percentile(hundred, 1)).toBe(100);
    expect(percentile([7, 9], 0.5)).toBe(7);
    expect(percentile([7, 9], 0.51)).toBe(9);
  });

  it('gives the minimum for p = 0 and 0 for no samples', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([], 0.99)).toBe(0);
  });

  it('summarizes unsorted samples', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toEqual({ count: 5, p50: 3, p90: 5, p99: 5, max: 5, mean: 3 });
    expect(summarize([]).count).toBe(0);
  });

  it('gives rates and ratios, null against a reference that did not run', () => {
    expect(ratePerSecond(5000, 2000)).toBe(2500);
    expect(ratePerSecond(10, 0)).toBe(0);
    expect(ratio(6, 10)).toBe(0.6);
    expect(ratio(6, 0)).toBeNull();
    expect(ratio(6, undefined)).toBeNull();
  });
});

describe('/proc parsing', () => {
  it('reads utime and stime after a command name holding spaces and parentheses', () => {
    const stat = '4242 (node (hub) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 11 0 100 0 0';
    expect(parseProcStat(stat)).toEqual({ utime: 1234, stime: 567 });
  });

  it('reads VmRSS and VmHWM in kB', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
    expect(parseProcStatus(status)).toEqual({ rssKb: 102_400, hwmKb: 204_800 });
  });

  it('turns ticks into % of one core', () => {
    expect(cpuPercent({ utime: 0, stime: 0 }, { utime: 150, stime: 50 }, 4000, 100)).toBe(50);
    expect(cpuPercent({ utime: 0, stime: 0 }, { utime: 1, stime: 0 }, 0, 100)).toBe(0);
  });

  it('reads the hard open-file limit from /proc/<pid>/limits', () => {
    const limits = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max open files            1024                 20000                files     ',
    ].join('\n');
    expect(openFileLimit(limits)).toBe(20_000);
    expect(openFileLimit('Max open files            unlimited            unlimited            files')).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});
