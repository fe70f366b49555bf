// The worked examples printed in Decision 1459/QD-TCMT (guideline s.2.3 and s.2.2.2a), as fixture data.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dailyAqi, eightHourMean, hourlyAqi, nowCast, roundAqi, subIndex } from '../../ingest/vn-aqi.ts';

interface Examples {
  nowcast: {
    pm25HourlyMeansOldestFirst: Record<string, number>;
    decision: { wStar: number; nowcast: number };
  };
  hourly: {
    input: { o3: number; no2: number; pm25NowCast: number };
    decision: { o3: number; no2: number; pm25: number; aqi: number };
    formula: { o3: number; no2: number; pm25: number; aqi: number };
  };
  daily: {
    input: { o3Max8h: number; o3Max1h: number; no2Max1h: number; pm25Mean24h: number };
    decision: { o3_8h: number; o3_1h: number; no2: number; pm25: number; aqi: number };
  };
  o3EightHour: {
    o3HourlyMeansOldestFirst: Array<[string, number]>;
    decision: { eightHourMeans: Array<[string, number]>; maxEightHourMean: number };
  };
}
const examples = JSON.parse(
  readFileSync(new URL('../fixtures/vn-aqi/decision-1459-examples.json', import.meta.url), 'utf8'),
) as Examples;

describe('Decision 1459/QD-TCMT worked examples', () => {
  it('s.2.3a NowCast of PM2.5 09:00–20:00 is 20.3 µg/m³', () => {
    const newestFirst = Object.values(examples.nowcast.pm25HourlyMeansOldestFirst).reverse();
    const value = nowCast(newestFirst);
    expect(value?.toFixed(1)).toBe(examples.nowcast.decision.nowcast.toFixed(1));
    // The decision's w* = 16.5/26.9, printed 0.61
    expect((16.5 / 26.9).toFixed(2)).toBe(examples.nowcast.decision.wStar.toFixed(2));
  });

  it('s.2.3b hourly index: O3 and PM2.5 as printed; NO2 printed 60 where Formula 1 gives 59.35', () => {
    const { input, decision, formula } = examples.hourly;
    const result = hourlyAqi({ pm25: input.pm25NowCast, o3: input.o3, no2: input.no2 });
    expect(roundAqi(result?.sub.o3 ?? Number.NaN)).toBe(decision.o3);
    expect(roundAqi(result?.sub.pm25 ?? Number.NaN)).toBe(decision.pm25);
    // (100 − 50)/(200 − 100) x (118.7 − 100) + 50 = 59.35 → 59; the decision prints 60 (its own slip).
    expect(result?.sub.no2).toBeCloseTo(formula.no2, 9);
    expect(roundAqi(result?.sub.no2 ?? Number.NaN)).toBe(59);
    expect(decision.no2).toBe(60);
    expect(result).toMatchObject({ aqi: formula.aqi, dominant: 'no2' });
  });

  it('s.2.3c daily index: 45, 36, 65, 110 → AQI^d = 110, as printed', () => {
    const { input, decision } = examples.daily;
    expect(roundAqi(subIndex('o3_8h', input.o3Max8h) ?? Number.NaN)).toBe(decision.o3_8h);
    expect(roundAqi(subIndex('o3_1h', input.o3Max1h) ?? Number.NaN)).toBe(decision.o3_1h);
    const result = dailyAqi({
      pm25: input.pm25Mean24h,
      o3Max1h: input.o3Max1h,
      o3Max8h: input.o3Max8h,
      no2Max1h: input.no2Max1h,
    });
    expect(roundAqi(result?.sub.o3 ?? Number.NaN)).toBe(decision.o3_8h); // larger of the two O3 sub-indices
    expect(roundAqi(result?.sub.no2 ?? Number.NaN)).toBe(decision.no2);
    expect(roundAqi(result?.sub.pm25 ?? Number.NaN)).toBe(decision.pm25); // 109.5 → 110, half up
    expect(result).toMatchObject({ aqi: decision.aqi, dominant: 'pm25' });
  });

  it('s.2.2.2a O3 8-hour means of the day, and their maximum 74.4', () => {
    const hourly = examples.o3EightHour.o3HourlyMeansOldestFirst.map(([, c]) => c);
    const printed = examples.o3EightHour.decision.eightHourMeans;
    expect(printed).toHaveLength(24);
    const computed = printed.map((_, k) => {
      const end = k + 7; // the mean ending at the (k+1)-th hour of the day covers 8 hours back
      return eightHourMean(hourly.slice(end - 7, end + 1).reverse());
    });
    computed.forEach((mean, k) => {
      // Printed 1-hour means are rounded to 0.1, so the recomputed means agree within that rounding.
      expect(Math.abs((mean ?? Number.NaN) - (printed[k]?.[1] ?? Number.NaN))).toBeLessThanOrEqual(0.07);
    });
    const max = Math.max(...computed.map((m) => m ?? 0));
    expect(max.toFixed(1)).toBe(examples.o3EightHour.decision.maxEightHourMean.toFixed(1));
    expect(computed[0]).toBeCloseTo(143.8 / 8, 10); // 18:00..01:00 = 143.8 / 8 = 17.975
  });
});
