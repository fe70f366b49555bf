/**
 * The camera event model: each object's events go new → update(s) → end, rush hours are busier than
 * the night, and only a congestion episode puts more than 30 cars in 5 minutes on a camera.
 */
import { describe, expect, it } from 'vitest';
import { CAMERAS } from '../../simulators/cameras/catalogue.ts';
import { type CameraEvent, CameraModel, type Congestion } from '../../simulators/cameras/model.ts';

/** 2025-06-01 00:00 in Hue (UTC+7). */
const MIDNIGHT_LOCAL = Date.UTC(2025, 4, 31, 17, 0);
const HOUR = 3_600_000;
const MINUTE = 60_000;

function day(opts: { seed?: number; congestion?: Congestion } = {}, hours = 24): CameraEvent[] {
  const model = new CameraModel(CAMERAS, { startMs: MIDNIGHT_LOCAL, ...opts });
  const events: CameraEvent[] = [];
  for (let t = MIDNIGHT_LOCAL; t <= MIDNIGHT_LOCAL + hours * HOUR + 10 * MINUTE; t += MINUTE) {
    events.push(...model.advanceTo(t));
  }
  return events;
}

/** The most cars that started within any 5-minute window, per camera. */
function maxCarsIn5Min(events: CameraEvent[]): Map<string, number> {
  const byCamera = new Map<string, number[]>();
  for (const e of events) {
    if (e.type === 'new' && e.label === 'car')
      byCamera.set(e.camera, [...(byCamera.get(e.camera) ?? []), e.simTimeMs]);
  }
  const max = new Map<string, number>();
  for (const [camera, times] of byCamera) {
    let best = 0;
    let lo = 0;
    for (let hi = 0; hi < times.length; hi++) {
      while (times[hi]! - times[lo]! >= 5 * MINUTE) lo++;
      best = Math.max(best, hi - lo + 1);
    }
    max.set(camera, best);
  }
  return max;
}

describe('CameraModel', () => {
  const events = day();

  it('reports each object as new, then one or more updates, then end, in time order', () => {
    const byObject = new Map<number, CameraEvent[]>();
    // Objects first seen by 24:00 have all left by the end of the run (24:10).
    for (const e of events.filter((x) => x.startSimMs < MIDNIGHT_LOCAL + 24 * HOUR)) {
      const list = byObject.get(e.objectId) ?? [];
      list.push(e);
      byObject.set(e.objectId, list);
    }
    expect(byObject.size).toBeGreaterThan(1000);
    // One assertion over every object: a hundred thousand expect() calls would take seconds.
    const problems: string[] = [];
    for (const [id, list] of byObject) {
      const first = list[0]!;
      const last = list.at(-1)!;
      const sequence = list.map((e) => e.type).join(' ');
      if (!/^new( update)+ end$/.test(sequence)) problems.push(`${id}: ${sequence}`);
      list.forEach((e, i) => {
        const prev = list[i - 1];
        if (prev && e.simTimeMs <= prev.simTimeMs) problems.push(`${id}: time goes back at ${i}`);
        if (prev && e.topScore < prev.topScore) problems.push(`${id}: top score drops at ${i}`);
        if (e.camera !== first.camera || e.label !== first.label || e.suffix !== first.suffix)
          problems.push(`${id}: identity changes at ${i}`);
        if (e.score < 0.5 || e.score > 0.97) problems.push(`${id}: score ${e.score}`);
        if (e.startSimMs !== first.simTimeMs) problems.push(`${id}: start time`);
      });
      if (last.currentZones.length > 0 || last.enteredZones.length === 0) problems.push(`${id}: end zones`);
    }
    expect(problems).toEqual([]);
  });

  it('delivers events in time order across cameras', () => {
    const backwards = events.filter((e, i) => i > 0 && e.simTimeMs < events[i - 1]!.simTimeMs);
    expect(backwards).toEqual([]);
  });

  it('sees only the catalogue labels, and each camera its own mix', () => {
    const foreign = events.filter((e) => !(CAMERAS.find((c) => c.id === e.camera)!.mix[e.label]! > 0));
    expect(foreign).toEqual([]);
    expect(new Set(events.map((e) => e.label))).toEqual(
      new Set(['car', 'motorcycle', 'person', 'bicycle', 'bus', 'truck']),
    );
  });

  it('is busier in the rush hours (7–8 h, 17–18 h local) than at night', () => {
    const newIn = (fromH: number) =>
      events.filter(
        (e) =>
          e.type === 'new' &&
          e.simTimeMs >= MIDNIGHT_LOCAL + fromH * HOUR &&
          e.simTimeMs < MIDNIGHT_LOCAL + (fromH + 1) * HOUR,
      ).length;
    expect(newIn(7)).toBeGreaterThan(1.4 * newIn(11));
    expect(newIn(17)).toBeGreaterThan(1.4 * newIn(11));
    expect(newIn(11)).toBeGreaterThan(3 * newIn(3));
  });

  it('never has 30 cars in 5 minutes on a camera without a congestion episode', () => {
    for (const n of maxCarsIn5Min(events).values()) expect(n).toBeLessThan(30);
  });

  it('puts more than 30 cars in 5 minutes on the congested camera, within its episode', () => {
    const congestion = {
      camera: 'phu-xuan-bridge',
      startMs: MIDNIGHT_LOCAL + 10 * HOUR,
      durationMs: 15 * MINUTE,
      carsPerMin: 10,
    };
    const jammed = day({ congestion });
    const max = maxCarsIn5Min(jammed);
    expect(max.get('phu-xuan-bridge')).toBeGreaterThan(30);
    for (const [camera, n] of max) if (camera !== 'phu-xuan-bridge') expect(n).toBeLessThan(30);
    const outside = jammed.filter(
      (e) =>
        e.camera === 'phu-xuan-bridge' &&
        e.type === 'update' &&
        e.stationary &&
        (e.startSimMs < congestion.startMs || e.startSimMs >= congestion.startMs + congestion.durationMs),
    );
    expect(outside).toEqual([]);
  });

  it('is reproducible from its seed', () => {
    expect(day({ seed: 3 }, 2)).toEqual(day({ seed: 3 }, 2));
    expect(day({ seed: 3 }, 2)).not.toEqual(day({ seed: 4 }, 2));
  });
});
