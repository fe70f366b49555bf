import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contains, distanceToBoundaryKm, geometryOf, haversineKm } from '../../alerts/geo.ts';
import { parseZones, selectZone } from '../../alerts/zones.ts';
import { FIXTURES, MIN, Run, rule, SQUARE_ZONE_RULE, T0 } from './support.ts';

const base = SQUARE_ZONE_RULE;
const v = { vessel: 'TTH-1-TS', source: 'vms' };
const inside = { lat: 17.0, lon: 108.0 };
const outsideFar = { lat: 16.5, lon: 108.0 };

describe('zone geometry', () => {
  const features = parseZones(readFileSync(join(FIXTURES, 'zones/square.geojson'), 'utf8'), 'square.geojson');

  it('tests points against polygons and multipolygons', () => {
    const square = selectZone(features, ['square'], 'f');
    const pair = selectZone(features, ['pair'], 'f');
    expect(contains(square, 17.0, 108.0)).toBe(true);
    expect(contains(square, 17.2, 108.0)).toBe(false);
    expect(contains(pair, 16.05, 107.55)).toBe(true);
    expect(contains(pair, 16.05, 107.3)).toBe(false);
    expect(() => selectZone(features, ['nope'], 'f')).toThrow(/HUB_ERR_ALERTS_ZONE.*no feature named "nope"/);
  });

  it('measures the distance to the nearest edge like haversine to the foot of the perpendicular', () => {
    const square = selectZone(features, ['square'], 'f');
    // Due south of the south edge (lat 16.9), and inside near the east edge (lon 108.1).
    expect(distanceToBoundaryKm(square, 16.85, 108.0)).toBeCloseTo(haversineKm(16.85, 108.0, 16.9, 108.0), 2);
    expect(distanceToBoundaryKm(square, 17.0, 108.08)).toBeCloseTo(haversineKm(17.0, 108.08, 17.0, 108.1), 2);
    // Beyond a corner: the distance to the corner.
    expect(distanceToBoundaryKm(square, 16.85, 108.15)).toBeCloseTo(
      haversineKm(16.85, 108.15, 16.9, 108.1),
      1,
    );
  });

  it('refuses geometry that is not a polygon', () => {
    const line = JSON.stringify({
      type: 'Feature',
      properties: { name: 'l' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      },
    });
    expect(() => parseZones(line, 'l.geojson')).toThrow(/only Polygon and MultiPolygon/);
    expect(geometryOf([]).polygons).toEqual([]);
  });
});

describe('zone rules', () => {
  it('`enter` fires when an entity seen outside is seen inside, resolves when it leaves', () => {
    const run = new Run(rule({ ...base, id: 'enter-square', trigger: 'enter' }));
    run.point(T0, v, outsideFar);
    expect(run.point(T0 + MIN, v, inside)).toMatchObject([{ state: 'firing', value: expect.any(Number) }]);
    run.point(T0 + 2 * MIN, v, inside);
    run.point(T0 + 3 * MIN, v, outsideFar);
    expect(run.states()).toEqual(['TTH-1-TS:firing', 'TTH-1-TS:resolved']);
  });

  it('`enter` does not fire for an entity first seen inside (it did not cross); `inside` does', () => {
    const enter = new Run(rule({ ...base, id: 'enter-square', trigger: 'enter' }));
    enter.point(T0, v, inside);
    expect(enter.transitions).toEqual([]);
    const within = new Run(rule({ ...base, id: 'in-square', trigger: 'inside' }));
    within.point(T0, v, inside);
    expect(within.states()).toEqual(['TTH-1-TS:firing']);
  });

  it('`exit` fires when an entity seen inside is seen outside', () => {
    const run = new Run(rule({ ...base, id: 'exit-square', trigger: 'exit' }));
    run.point(T0, v, inside);
    run.point(T0 + MIN, v, outsideFar);
    run.point(T0 + 2 * MIN, v, inside);
    expect(run.states()).toEqual(['TTH-1-TS:firing', 'TTH-1-TS:resolved']);
  });

  it('`approachKm` warns within that distance outside the zone, and ends on moving away or crossing', () => {
    const run = new Run(rule({ ...base, id: 'approach', trigger: 'enter', approachKm: 5 }));
    run.point(T0, v, outsideFar); // ~44 km south
    run.point(T0 + MIN, v, { lat: 16.87, lon: 108.0 }); // ~3.3 km south of the edge
    run.point(T0 + 2 * MIN, v, { lat: 16.8, lon: 108.0 }); // ~11 km: away again
    run.point(T0 + 3 * MIN, v, { lat: 16.88, lon: 108.0 });
    run.point(T0 + 4 * MIN, v, inside); // crossed: the approach tier ends
    expect(run.states()).toEqual([
      'TTH-1-TS:firing',
      'TTH-1-TS:resolved',
      'TTH-1-TS:firing',
      'TTH-1-TS:resolved',
    ]);
    expect(run.transitions[0]?.value).toBeCloseTo(3.34, 1);
    expect(run.transitions[0]?.message).toMatch(/^TTH-1-TS 3\.3\d km$/);
  });

  it('`clearMarginKm` keeps GPS jitter at the line from flapping', () => {
    const run = new Run(rule({ ...base, id: 'in-square', trigger: 'inside', clearMarginKm: 0.5 }));
    const lats = [16.902, 16.899, 16.901, 16.898, 16.903, 16.897];
    for (const [i, lat] of lats.entries()) run.point(T0 + i * MIN, v, { lat, lon: 108.0 });
    expect(run.states()).toEqual(['TTH-1-TS:firing']);
    run.point(T0 + 10 * MIN, v, { lat: 16.88, lon: 108.0 }); // 2.2 km out
    expect(run.states()).toEqual(['TTH-1-TS:firing', 'TTH-1-TS:resolved']);
  });

  it('a pending period on a zone rule: only a stay longer than `for` fires', () => {
    const run = new Run(rule({ ...base, id: 'stay', trigger: 'inside', for: '30m' }));
    run.point(T0, v, inside);
    run.point(T0 + 20 * MIN, v, outsideFar);
    run.point(T0 + 40 * MIN, v, inside);
    run.tick(T0 + 80 * MIN);
    expect(run.states()).toEqual([
      'TTH-1-TS:pending',
      'TTH-1-TS:resolved',
      'TTH-1-TS:pending',
      'TTH-1-TS:firing',
    ]);
  });
});
