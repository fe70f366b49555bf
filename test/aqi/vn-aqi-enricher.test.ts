import { describe, expect, it } from 'vitest';
import type { FieldValue, Point } from '../../ingest/point.ts';
import { msToNs, nsToMs } from '../../ingest/point.ts';
import { validatePoint } from '../../ingest/schema.ts';
import { AqiEnricher } from '../../ingest/vn-aqi-enricher.ts';

const HOUR = 3_600_000;
const MIN = 60_000;

function reading(station: string, ms: number, fields: Record<string, FieldValue>, medium = 'air'): Point {
  return { measurement: 'environment', tags: { station, medium }, fields: { ...fields }, time: msToNs(ms) };
}

const iso = (p: Point): string => new Date(nsToMs(p.time)).toISOString();
const indexPoints = (points: Point[], period: 'hour' | 'day') =>
  points.filter((p) => p.measurement === 'air_quality_index' && p.tags.period === period);

// PM2.5 sub-index by hand (Table 2): 2(C − 25) + 50 on 25..50, (50/30)(C − 50) + 100 on 50..80.
const pm25Sub = (c: number): number => (c < 50 ? 2 * (c - 25) + 50 : (50 / 30) * (c - 50) + 100);

describe('AqiEnricher over a day of readings (UTC+7)', () => {
  // Local day D = 2024-03-10 (Asia/Ho_Chi_Minh) starts at 2024-03-09T17:00Z. Readings every 15 min from
  // 20:00 local the evening before (warm-up, so NowCast has its "2 of 3" hours at D's first hour).
  // PM2.5: 30 µg/m³ in local hours 0..11 (and the warm-up), 60 in hours 12..23, constant within an hour.
  // NO2: 90 and 110 alternately (mean 100 → 50), in local hours 6 and 7: 280 and 320 (mean 300 →
  //   (150−100)/(700−200) x (300−200) + 100 = 110). O3: 120 always (1h: 50/160 x 120 = 37.5 → 38).
  const dayStart = Date.parse('2024-03-09T17:00:00Z');
  const pm25 = (k: number): number => (k < 12 ? 30 : 60);
  const no2 = (k: number, q: number): number => (k === 6 || k === 7 ? [280, 320] : [90, 110])[q % 2] ?? 0;

  function feedDay() {
    const enricher = new AqiEnricher();
    const published: Point[] = [];
    const readings: Point[] = [];
    for (let k = -4; k < 24; k++) {
      for (let q = 0; q < 4; q++) {
        const point = reading('hue-aq-1', dayStart + k * HOUR + q * 15 * MIN, {
          pm25: pm25(k),
          no2: no2(k, q),
          o3: 120,
          temp_c: 29.5,
        });
        const [enriched, ...due] = enricher.enrich(point);
        expect(enriched).toBe(point);
        readings.push(point);
        published.push(...due);
      }
    }
    // The first reading of the next local day closes hour 23 and the day.
    published.push(
      ...enricher.enrich(reading('hue-aq-1', dayStart + 24 * HOUR + 10 * MIN, { pm25: 60 })).slice(1),
    );
    return { published, readings };
  }

  it('publishes the 24 hourly indices of the day at the end of each hour', () => {
    const { published } = feedDay();
    const hourly = indexPoints(published, 'hour').filter((p) => nsToMs(p.time) > dayStart);
    expect(hourly.map(iso)).toEqual(
      Array.from({ length: 24 }, (_, k) => new Date(dayStart + (k + 1) * HOUR).toISOString()),
    );
    hourly.forEach((point, k) => {
      // NowCast by hand: before hour 12 every hour is 30 → 30. From hour 12, j = k − 11 newest hours are
      // 60 and the other 12 − j are 30; w = 30/60 = 0.5, so
      // NowCast = (60 Σ_{i<j} 0.5^i + 30 Σ_{j≤i<12} 0.5^i) / Σ_{i<12} 0.5^i = 30 + 30 (1 − 2^−j)/(1 − 2^−12).
      const j = k - 11;
      const nowcast = j < 1 ? 30 : 30 + (30 * (1 - 2 ** -j)) / (1 - 2 ** -12);
      const subPm25 = pm25Sub(nowcast);
      const subNo2 = k === 6 || k === 7 ? 110 : 50;
      const aqi = Math.round(Math.max(subPm25, subNo2, 37.5));
      expect(point.tags).toEqual({ station: 'hue-aq-1', period: 'hour' });
      expect(point.fields).toEqual({
        aqi,
        dominant: subNo2 > subPm25 ? 'no2' : 'pm25',
        aqi_pm25: Math.round(subPm25),
        aqi_no2: subNo2,
        aqi_o3: 38,
      });
    });
    // Spot checks of the closed form: hour 12 → 45.0037 → 90.007 → 90; hour 23 → 60 → 116.67 → 117.
    expect(hourly[12]?.fields.aqi).toBe(90);
    expect(hourly[23]?.fields.aqi).toBe(117);
    expect(hourly[6]?.fields).toMatchObject({ aqi: 110, dominant: 'no2' });
  });

  it('publishes the warm-up hours once NowCast has 2 of its 3 latest hours', () => {
    const { published } = feedDay();
    const warmUp = indexPoints(published, 'hour').filter((p) => nsToMs(p.time) <= dayStart);
    // 20:00–21:00 local alone has 1 of 3 → none; from 21:00–22:00 on, PM2.5 30 → 60.
    expect(warmUp.map(iso)).toEqual([
      '2024-03-09T15:00:00.000Z',
      '2024-03-09T16:00:00.000Z',
      new Date(dayStart).toISOString(),
    ]);
    for (const point of warmUp) expect(point.fields.aqi).toBe(60);
  });

  it('publishes the day at local midnight: PM 24-h mean, NO2 highest hour, O3 highest 8-h mean', () => {
    const { published } = feedDay();
    const daily = indexPoints(published, 'day');
    // The evening before had 4 hours, fewer than 18: no daily point for it.
    expect(daily.map(iso)).toEqual(['2024-03-10T17:00:00.000Z']); // 2024-03-11 00:00 +07:00
    // PM2.5 24-h mean (12 x 30 + 12 x 60)/24 = 45 → 2 x 20 + 50 = 90; NO2 highest 1-h mean 300 → 110;
    // O3 highest 8-h mean 120 → exactly 100 (breakpoint), above its 1-h 37.5.
    expect(daily[0]?.fields).toEqual({ aqi: 110, dominant: 'no2', aqi_pm25: 90, aqi_no2: 110, aqi_o3: 100 });
    expect(daily[0]?.tags).toEqual({ station: 'hue-aq-1', period: 'day' });
    // The hourly point for the day's last hour comes first, at the same instant.
    const last = published.slice(-2);
    expect(last.map((p) => p.tags.period)).toEqual(['hour', 'day']);
  });

  it("puts the open hour's index on every reading", () => {
    const { readings } = feedDay();
    const at = (k: number, q: number) => readings[(k + 4) * 4 + q]?.fields.aqi;
    // Local hour 6, first reading: NO2 running mean 280 → 0.1 x 80 + 100 = 108 > PM2.5 60.
    expect(at(6, 0)).toBe(108);
    // Second reading: (280 + 320)/2 = 300 → 110.
    expect(at(6, 1)).toBe(110);
    // Hour 12, first reading: PM2.5 running mean 60 as c1 over eleven hours of 30 → NowCast 45.0037 → 90.
    expect(at(12, 0)).toBe(90);
    // The very first reading: only c1 known, so the live index is provisional, from the running mean:
    // PM2.5 30 → (100 − 50)/(50 − 25) × (30 − 25) + 50 = 60 (the published hourly index waits for 2 of 3).
    expect(at(-4, 0)).toBe(60);
    for (const point of readings) expect(validatePoint(point)).toBeNull();
  });

  it('publishes only valid air_quality_index points', () => {
    const { published } = feedDay();
    expect(published.length).toBe(3 + 24 + 1);
    for (const point of published) expect(validatePoint(point)).toBeNull();
  });
});

describe('AqiEnricher boundaries and state', () => {
  const t = (s: string): number => Date.parse(s);

  it('lets water readings and other measurements through untouched', () => {
    const enricher = new AqiEnricher();
    const water = reading('huong-river-1', t('2024-03-10T03:10:00Z'), { ph: 7.1, pm25: 30 }, 'water');
    const vessel: Point = {
      measurement: 'vessel_position',
      tags: { vessel: 'TTH-90123-TS', source: 'vms' },
      fields: { lat: 16.5, lon: 107.6 },
      time: msToNs(t('2024-03-10T03:10:00Z')),
    };
    const before = structuredClone(water);
    expect(enricher.enrich(water)).toEqual([water]);
    expect(enricher.enrich(water)[0]).toBe(water);
    expect(water).toEqual(before);
    expect(enricher.enrich(vessel)).toEqual([vessel]);
    expect(enricher.stationCount).toBe(0);
  });

  it('tick publishes the hour of a station gone silent, after the grace, and ignores late readings', () => {
    const enricher = new AqiEnricher();
    enricher.enrich(reading('a', t('2024-03-10T09:10:00Z'), { pm25: 20 }));
    enricher.enrich(reading('a', t('2024-03-10T10:10:00Z'), { pm25: 40 }));
    expect(enricher.tick(t('2024-03-10T11:01:00Z'))).toEqual([]); // within the 2-min grace
    const [hour10] = enricher.tick(t('2024-03-10T11:02:00Z'));
    // Hours 9 = 20, 10 = 40: w* = 0.5 → w = 0.5; (40 + 0.5 x 20)/1.5 = 33.33 → 2 x 8.33 + 50 = 66.67 → 67
    expect(hour10).toMatchObject({
      tags: { station: 'a', period: 'hour' },
      fields: { aqi: 67, dominant: 'pm25' },
    });
    expect(iso(hour10 as Point)).toBe('2024-03-10T11:00:00.000Z');

    const late = reading('a', t('2024-03-10T10:59:00Z'), { pm25: 500 });
    expect(enricher.enrich(late)).toEqual([late]);
    expect(late.fields.aqi).toBeUndefined();
    expect(enricher.lateReadings).toBe(1);

    // Hour 11 has no data, but c2 = 40 and c3 = 20 are 2 of 3: (0.5 x 40 + 0.25 x 20)/0.75 = 33.33 → 67.
    const [hour11] = enricher.tick(t('2024-03-10T12:02:00Z'));
    expect(hour11?.fields.aqi).toBe(67);
    expect(iso(hour11 as Point)).toBe('2024-03-10T12:00:00.000Z');
    expect(enricher.tick(t('2024-03-10T13:02:00Z'))).toEqual([]); // 1 of 3 only
    // A day later nothing is left: no daily point (2 hours < 18) and the station is forgotten.
    expect(enricher.tick(t('2024-03-11T13:02:00Z'))).toEqual([]);
    expect(enricher.stationCount).toBe(0);
  });

  it('tick publishes the day of a station that went silent before local midnight', () => {
    const enricher = new AqiEnricher();
    const dayStart = t('2024-03-09T17:00:00Z'); // 2024-03-10 00:00 +07:00
    for (let k = 0; k < 20; k++) enricher.enrich(reading('b', dayStart + k * HOUR + 5 * MIN, { pm25: 37.5 }));
    const published = enricher.tick(dayStart + 24 * HOUR + 3 * MIN);
    const daily = indexPoints(published, 'day');
    // 20 hours of 37.5 (>= 18): (100 − 50)/(50 − 25) x (37.5 − 25) + 50 = 75
    expect(daily).toHaveLength(1);
    expect(daily[0]?.fields).toEqual({ aqi: 75, dominant: 'pm25', aqi_pm25: 75 });
    expect(iso(daily[0] as Point)).toBe('2024-03-10T17:00:00.000Z');
    // Hours 19 (data), 20 (c2, c3 present) publish; 21..23 do not.
    expect(indexPoints(published, 'hour').map(iso)).toEqual([
      '2024-03-10T13:00:00.000Z',
      '2024-03-10T14:00:00.000Z',
    ]);
  });

  it('publishes no daily index for a day with fewer than 18 hours, and days follow the offset', () => {
    const utc = new AqiEnricher({ timezoneOffsetMinutes: 0 });
    const start = t('2024-03-10T00:00:00Z');
    for (let k = 0; k < 17; k++) utc.enrich(reading('c', start + k * HOUR, { pm25: 25 }));
    expect(indexPoints(utc.tick(start + 25 * HOUR), 'day')).toEqual([]);
    for (let k = 24; k < 48; k++) utc.enrich(reading('c', start + k * HOUR, { pm25: 25 }));
    const daily = indexPoints(utc.tick(start + 49 * HOUR), 'day');
    expect(daily.map(iso)).toEqual(['2024-03-12T00:00:00.000Z']);
    expect(daily[0]?.fields).toEqual({ aqi: 50, dominant: 'pm25', aqi_pm25: 50 });
    expect(() => new AqiEnricher({ timezoneOffsetMinutes: 330 })).toThrow(RangeError);
  });

  it('needs PM: a station measuring only gases gets no index', () => {
    const enricher = new AqiEnricher();
    const points: Point[] = [];
    for (let k = 0; k < 30; k++)
      points.push(...enricher.enrich(reading('d', t('2024-03-10T00:30:00Z') + k * HOUR, { no2: 300 })));
    expect(points.filter((p) => p.measurement === 'air_quality_index')).toEqual([]);
    expect(points.some((p) => 'aqi' in p.fields)).toBe(false);
  });

  it('after a long silence publishes what the last hours allow, then starts afresh', () => {
    const enricher = new AqiEnricher();
    enricher.enrich(reading('e', t('2024-03-10T09:10:00Z'), { pm25: 20 }));
    enricher.enrich(reading('e', t('2024-03-10T10:10:00Z'), { pm25: 40 }));
    const back = reading('e', t('2024-03-13T10:10:00Z'), { pm25: 40 });
    const [self, ...due] = enricher.enrich(back);
    expect(self).toBe(back);
    expect(due.map(iso)).toEqual(['2024-03-10T11:00:00.000Z', '2024-03-10T12:00:00.000Z']);
    // A fresh start: only c1 known, a provisional live index from it: PM2.5 40 → 2 × 15 + 50 = 80.
    expect(back.fields.aqi).toBe(80);
  });

  it('forgets the least recently reporting station beyond maxStations', () => {
    const enricher = new AqiEnricher({ maxStations: 2 });
    for (const station of ['s1', 's2', 's3']) {
      enricher.enrich(reading(station, t('2024-03-10T09:10:00Z'), { pm25: 30 }));
      enricher.enrich(reading(station, t('2024-03-10T10:10:00Z'), { pm25: 30 }));
    }
    expect(enricher.stationCount).toBe(2);
    const published = enricher.tick(t('2024-03-10T11:05:00Z'));
    expect(published.map((p) => p.tags.station)).toEqual(['s2', 's3']);
  });
});
