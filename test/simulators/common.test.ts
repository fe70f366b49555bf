/** What the simulators share: the seeded PRNG, simulated time, local hours, durations, the dispatch list. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  lookupFlag,
  parseDurationMs,
  parseInteger,
  parseOptionalDurationMs,
  parseStartHour,
  SimulatorUsageError,
} from '../../simulators/common/cli.ts';
import { lastLocalHourMs, localHour, rushHour } from '../../simulators/common/daily.ts';
import { bearingDeg, destination, distanceM } from '../../simulators/common/geo.ts';
import { SimClock } from '../../simulators/common/handle.ts';
import { mulberry32, Random, seedFrom } from '../../simulators/common/random.ts';
import { runSimulator, SIMULATOR_CLIS } from '../../simulators/index.ts';

describe('Random', () => {
  it('is mulberry32: the reference implementation’s first outputs for seed 1', () => {
    // The widely copied JavaScript mulberry32 (bryc/code PRNGs.md) gives 0.6270739405881613,
    // 0.002735721180215478, 0.5274470399599522 for seed 1.
    const next = mulberry32(1);
    expect([next(), next(), next()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('repeats a sequence for a seed, numeric or text, and forks independent streams', () => {
    const a = new Random('hue');
    const b = new Random('hue');
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(seedFrom('hue')).not.toBe(seedFrom('hui'));
    expect(new Random(1).fork('x').next()).toBe(new Random(1).fork('x').next());
    expect(new Random(1).fork('x').next()).not.toBe(new Random(1).fork('y').next());
  });

  it('keeps its draws in range', () => {
    const r = new Random(5);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
      expect(r.exponential(10)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('time', () => {
  it('runs simulated time at the speedup from its start, on the injected clock', () => {
    let now = 1_000_000;
    const clock = new SimClock(() => now, 60, 5_000_000);
    expect(clock.simMs()).toBe(5_000_000);
    now += 1000;
    expect(clock.simMs()).toBe(5_060_000);
    expect(clock.realMs()).toBe(1_001_000);
    expect(() => new SimClock(() => 0, 0)).toThrow(RangeError);
  });

  it('reads hours in Hue (UTC+7) and finds the last given local hour', () => {
    const noonLocal = Date.parse('2025-06-01T05:00:00Z');
    expect(localHour(noonLocal)).toBe(12);
    expect(lastLocalHourMs(7, noonLocal)).toBe(Date.parse('2025-06-01T00:00:00Z'));
    expect(lastLocalHourMs(17, noonLocal)).toBe(Date.parse('2025-05-31T10:00:00Z'));
    expect(rushHour(7.5)).toBe(1);
    expect(rushHour(3)).toBeLessThan(0.01);
  });

  it('parses durations with units, bare numbers as seconds', () => {
    expect(parseDurationMs('500ms', 'x')).toBe(500);
    expect(parseDurationMs('30', 'x')).toBe(30_000);
    expect(parseDurationMs('6h', 'x')).toBe(21_600_000);
    expect(() => parseDurationMs('six hours', 'duration')).toThrow(/--duration "six hours"/);
    expect(parseOptionalDurationMs(undefined, 'x')).toBeUndefined();
    expect(parseOptionalDurationMs('10m', 'x')).toBe(600_000);
  });
});

describe('flags', () => {
  it('takes whole numbers at or above the minimum, naming the flag otherwise', () => {
    expect(parseInteger(undefined, 'sos')).toBeUndefined();
    expect(parseInteger('0', 'sos')).toBe(0);
    expect(() => parseInteger('2.5', 'sos')).toThrow('--sos must be an integer');
    expect(() => parseInteger('0', 'window', 1)).toThrow(/--window "0" is not a number ≥ 1/);
    expect(() => parseInteger('x', 'sos')).toThrow(SimulatorUsageError);
  });

  it('starts the simulated day at the last given local hour, 0–23.99', () => {
    const noonLocal = Date.parse('2025-06-01T05:00:00Z');
    expect(parseStartHour(undefined, noonLocal)).toBeUndefined();
    expect(parseStartHour('7', noonLocal)).toBe(Date.parse('2025-06-01T00:00:00Z'));
    expect(() => parseStartHour('24', noonLocal)).toThrow(/hour of the day/);
  });

  it('makes an unknown catalogue id a usage error, keeping the lookup’s message', () => {
    expect(lookupFlag(() => 'cam-1')).toBe('cam-1');
    const unknown = () =>
      lookupFlag(() => {
        throw new Error('no camera "x"');
      });
    expect(unknown).toThrow(SimulatorUsageError);
    expect(unknown).toThrow('no camera "x"');
  });
});

describe('geo', () => {
  it('agrees with itself: a destination lies at its distance and bearing', () => {
    const from = { lat: 16.558, lon: 107.64 };
    const to = destination(from, 36.6, 44_448);
    expect(distanceM(from, to)).toBeCloseTo(44_448, 3);
    expect(bearingDeg(from, to)).toBeCloseTo(36.6, 6);
    // 1' of latitude is one nautical mile on the mean-radius sphere, to 0.1 %.
    expect(distanceM({ lat: 16, lon: 107 }, { lat: 16 + 1 / 60, lon: 107 })).toBeCloseTo(1853.2, 0);
  });
});

describe('runSimulator', () => {
  it('lists every simulator kind and refuses an unknown one', () => {
    expect(Object.keys(SIMULATOR_CLIS)).toEqual(['fleet', 'stations', 'cameras', 'load', 'replay']);
    expect(() => runSimulator('boats', [], { log: pino({ level: 'silent' }) })).toThrow(SimulatorUsageError);
  });

  it('prints each simulator’s usage on --help', async () => {
    for (const kind of Object.keys(SIMULATOR_CLIS)) {
      let out = '';
      await runSimulator(kind, ['--help'], { log: pino({ level: 'silent' }), stdout: (t) => (out += t) });
      expect(out).toMatch(new RegExp(`^hub sim ${kind}`));
    }
  });

  it('prints the stations’ hub config without starting anything', async () => {
    let out = '';
    await runSimulator('stations', ['--print-config', '--port', '6020'], {
      log: pino({ level: 'silent' }),
      stdout: (t) => (out += t),
    });
    expect(out).toMatch(/^modbus:\n {2}devices:\n {4}- station: hue-centre-air\n/);
    expect(out).toContain('url: tcp://127.0.0.1:6020');
    expect(out).toContain('url: tcp://127.0.0.1:6024');
    expect(out).toMatch(/devices:\n {2}entries:\n {4}- id: hue-centre-air\n {6}kind: station/);
  });
});
