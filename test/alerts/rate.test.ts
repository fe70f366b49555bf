import { describe, expect, it } from 'vitest';
import { MIN, Run, rule, T0 } from './support.ts';

const CONGESTION = {
  kind: 'rate',
  id: 'camera-congestion',
  department: 'traffic',
  severity: 'warning',
  measurement: 'camera_event',
  where: { label: 'car', type: 'new' },
  groupBy: ['camera'],
  window: '5m',
  above: 30,
  clearBelow: 20,
  message: 'Congestion at {camera}: {count} cars',
} as const;

const car = (camera: string) => ({ camera, label: 'car', type: 'new' });

describe('rate rules', () => {
  it('fires on the 31st matching point within the window, per entity', () => {
    const run = new Run(rule(CONGESTION));
    for (let i = 0; i < 30; i++)
      run.point(T0 + i * 5000, car('truong-tien'), { event_id: `e${i}`, score: 0.9 });
    for (let i = 0; i < 40; i++)
      run.point(T0 + i * 5000, { ...car('dong-ba'), label: 'person' }, { event_id: `p${i}` });
    expect(run.transitions).toEqual([]);
    expect(run.point(T0 + 150_000, car('truong-tien'), { event_id: 'e30' })).toMatchObject([
      { state: 'firing', entity: 'truong-tien', value: 31, message: 'Congestion at truong-tien: 31 cars' },
    ]);
  });

  it('resolves when old points leave the window (the clock alone), with hysteresis below 20', () => {
    const run = new Run(rule(CONGESTION));
    for (let i = 0; i < 31; i++) run.point(T0 + i * 1000, car('c1'), { event_id: `e${i}` });
    // 5 min later the first points age out; 25 remain in the window after more arrive: still firing.
    for (let i = 0; i < 25; i++) run.point(T0 + 4 * MIN + i * 1000, car('c1'), { event_id: `f${i}` });
    expect(run.tick(T0 + 5 * MIN + 40_000)).toEqual([]);
    expect(run.state.entities.get('c1')?.value).toBe(25);
    expect(run.tick(T0 + 9 * MIN + 10_000).map((t) => t.state)).toEqual(['resolved']);
    // Idle and empty: forgotten.
    run.tick(T0 + 20 * MIN);
    expect(run.state.entities.size).toBe(0);
  });
});
