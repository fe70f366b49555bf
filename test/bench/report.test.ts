import { describe, expect, it } from 'vitest';
import type { IdleResult } from '../../bench/idle.ts';
import { parsePlan } from '../../bench/plan.ts';
import { areaOf, type CpuProfile, findLongTasks, summarizeProfile } from '../../bench/profile.ts';
import { checkTargets, computeRatios, formatReport } from '../../bench/report.ts';
import type { ThroughputResult } from '../../bench/throughput.ts';

function row(scenario: string, broker: ThroughputResult['broker'], over: Partial<ThroughputResult> = {}) {
  const base: ThroughputResult = {
    scenario,
    broker,
    qos: 1,
    connections: 1000,
    targetRate: null,
    publishS: 60,
    sent: 1000,
    acked: 1000,
    delivered: 1000,
    deliveredBy: broker === 'hub' ? 'influxdb' : 'subscriber',
    lost: 0,
    deadLetters: null,
    sendRate: 0,
    ackRate: 0,
    deliveredRate: 10_000,
    drainS: 0,
    pubackMs: { p50: 1, p99: 2, max: 3 },
    writtenMs: null,
    cpuPct: 90,
    rssMb: 100,
    peakRssMb: 120,
    heapUsedMb: null,
    eldMs: null,
    loadgenCpuPct: 30,
    maxAheadMs: 0,
    errors: 0,
  };
  return { ...base, ...over };
}

function idle(broker: IdleResult['broker'], rssPerConnKb: number, connectAllS: number): IdleResult {
  return {
    scenario: 'idle-10000',
    broker,
    devices: 10_000,
    connected: 10_000,
    failed: 0,
    limitedBy: null,
    connectAllS,
    connectsPerS: 0,
    loadgenCpuPct: 0,
    rssBeforeMb: 0,
    rssAfterMb: 0,
    rssPerConnKb,
    heapPerConnKb: null,
    firstError: null,
  };
}

describe('targets and ratios', () => {
  const rows = [
    row('qos1-max', 'aedes', { deliveredRate: 20_000 }),
    row('qos1-max', 'mosquitto', { deliveredRate: 40_000 }),
    row('qos1-max', 'hub', { deliveredRate: 13_000 }),
    row('qos1-10k', 'hub', {
      targetRate: 10_000,
      deliveredRate: 9_990,
      pubackMs: { p50: 2, p99: 12, max: 20 },
      writtenMs: { p50: 8, p99: 25, max: 40, aheadOfClock: 0 },
    }),
  ];

  it('compares the hub with each reference', () => {
    expect(computeRatios(rows)).toMatchObject({ qos1HubOverAedes: 0.65, qos1HubOverMosquitto: 0.33 });
  });

  it('marks each target met, missed or not run', () => {
    const checks = checkTargets(rows, [idle('aedes', 14, 3), idle('hub', 16.5, 6)], null, 'full');
    const met = Object.fromEntries(checks.map((c) => [c.target.slice(0, 20), c.met]));
    expect(met).toEqual({
      'QoS 1 end to end ≥ 0': true,
      'p99 publish → writte': true,
      'p99 publish → PUBACK': false,
      'RSS per idle device ': false,
      '10,000 authenticated': false,
      'alert decision p99 ≤': null,
    });
  });

  it('misses a latency target when the rate it is stated at was not reached', () => {
    const slow = [
      row('qos1-10k', 'hub', {
        targetRate: 10_000,
        deliveredRate: 4000,
        writtenMs: { p50: 1, p99: 2, max: 3, aheadOfClock: 0 },
      }),
    ];
    const written = checkTargets(slow, [], null, 'quick').find((c) => c.target.includes('written'));
    expect(written?.met).toBe(false);
    expect(written?.measured).toContain('not reached (4,000 msg/s)');
  });

  it('counts a loss as a miss whatever the rate', () => {
    const lossy = [row('qos1-max', 'aedes', { deliveredRate: 10_000 }), row('qos1-max', 'hub', { lost: 1 })];
    expect(checkTargets(lossy, [], null, 'full')[0]?.met).toBe(false);
  });

  it('prints Markdown tables', () => {
    const text = formatReport({
      command: 'hub bench --quick',
      mode: 'quick',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationS: 120,
      machine: { cpu: '2 × test' },
      throughput: rows,
      idle: [idle('hub', 16.5, 6)],
      alerts: null,
      cluster: null,
      ratios: computeRatios(rows),
      targets: checkTargets(rows, [], null, 'quick'),
      profiles: {},
      errors: ['hub alerts: boom'],
      notes: ['aedes crashed after the qos0-firehose: RangeError'],
    });
    expect(text).toContain('| qos1-max | hub | 1,000 | 1,000 | 1,000 (InfluxDB) | 0 | 13,000 | 1 / 2 | – |');
    expect(text).toContain('| 10,000 | hub | 10,000 | 0 | 6 |');
    expect(text).toContain('- MET: QoS 1 end to end');
    expect(text).toContain('## Notes\n\n- aedes crashed after the qos0-firehose: RangeError');
    expect(text).toContain('## Errors\n\n- hub alerts: boom');
  });
});

describe('CPU profile summary', () => {
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5] },
      { id: 2, callFrame: frame('ingest', 'file:///repo/ingest/pipeline.ts'), children: [3, 4] },
      { id: 3, callFrame: frame('decode', 'file:///repo/adapters/nmea/index.ts') },
      { id: 4, callFrame: frame('parse', 'file:///repo/node_modules/mqtt-packet/parser.js') },
      { id: 5, callFrame: frame('(idle)') },
    ],
    // 3 ms in decode, 1 ms in parse, 4 ms idle (each delta is the time before its sample).
    samples: [3, 3, 3, 4, 5, 5, 5, 5],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
    startTime: 0,
    endTime: 8000,
  };

  it('gives self time per function and area, and project functions by total time', () => {
    const s = summarizeProfile(profile, 10, '/repo');
    expect(s.busyMs).toBe(4);
    expect(s.functions.map((f) => [f.name, f.pct])).toEqual([
      ['decode nmea/index.ts', 75],
      ['parse mqtt-packet/parser.js', 25],
    ]);
    expect(s.areas.map((a) => [a.name, a.pct])).toEqual([
      ['project:adapters', 75],
      ['mqtt-packet', 25],
    ]);
    expect(s.inclusive.map((f) => [f.name, f.pct])).toEqual([
      ['ingest ingest/pipeline.ts', 100],
      ['decode nmea/index.ts', 75],
    ]);
  });

  it('finds the busy stretches and the deepest project function covering half of each', () => {
    expect(findLongTasks(profile, '/repo', 3)).toEqual([{ ms: 4, atMs: 0, mostly: 'decode nmea/index.ts' }]);
    expect(findLongTasks(profile, '/repo', 5)).toEqual([]);
  });

  it('names areas by package, project folder or Node', () => {
    expect(areaOf('file:///x/node_modules/@influxdata/influxdb-client/a.js', 'f')).toBe(
      '@influxdata/influxdb-client',
    );
    expect(areaOf('node:internal/streams/readable', 'f')).toBe('node');
    expect(areaOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(areaOf('', 'writev')).toBe('(native)');
  });
});

describe('plan', () => {
  it('selects scenarios and brokers, and refuses unknown ones', () => {
    const plan = parsePlan(['--quick', '--only', 'qos1,idle', '--brokers', 'hub']);
    expect(plan).toMatchObject({ mode: 'quick', scenarios: ['qos1', 'idle'], brokers: ['hub'] });
    expect(parsePlan([])).toMatchObject({
      mode: 'full',
      qos1: { hubMs: 60_000 },
      idle: { devices: [10_000, 50_000] },
    });
    expect(() => parsePlan(['--only', 'nope'])).toThrow(/unknown "nope"/);
  });
});
