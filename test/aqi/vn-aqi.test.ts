import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AQI_BANDS,
  aqiBand,
  type BreakpointColumn,
  dailyAqi,
  eightHourMean,
  hourlyAqi,
  nowCast,
  roundAqi,
  subIndex,
} from '../../ingest/vn-aqi.ts';

interface ByHandCase {
  name: string;
  column: BreakpointColumn;
  concentration: number;
  expected: number;
  arithmetic: string;
}
interface ByHandFixture {
  cases: ByHandCase[];
  aboveTheTop: { cases: Array<{ column: BreakpointColumn; concentration: number; expected: number | null }> };
}
const byHand = JSON.parse(
  readFileSync(new URL('../fixtures/vn-aqi/sub-index-by-hand.json', import.meta.url), 'utf8'),
) as ByHandFixture;

// Table 2 of Decision 1459/QD-TCMT, copied from DOMAIN.md (not from the code): [index, concentration].
// biome-ignore format: kept as the decision prints it, one column per line
const TABLE_2: Record<BreakpointColumn, Array<[number, number]>> = {
  o3_1h: [[0, 0], [50, 160], [100, 200], [150, 300], [200, 400], [300, 800], [400, 1000], [500, 1200]],
  o3_8h: [[0, 0], [50, 100], [100, 120], [150, 170], [200, 210], [300, 400]],
  co: [[0, 0], [50, 10000], [100, 30000], [150, 45000], [200, 60000], [300, 90000], [400, 120000], [500, 150000]],
  so2: [[0, 0], [50, 125], [100, 350], [150, 550], [200, 800], [300, 1600], [400, 2100], [500, 2630]],
  no2: [[0, 0], [50, 100], [100, 200], [150, 700], [200, 1200], [300, 2350], [400, 3100], [500, 3850]],
  pm10: [[0, 0], [50, 50], [100, 150], [150, 250], [200, 350], [300, 420], [400, 500], [500, 600]],
  pm25: [[0, 0], [50, 25], [100, 50], [150, 80], [200, 150], [300, 250], [400, 350], [500, 500]],
};
const breakpointCases = Object.entries(TABLE_2).flatMap(([column, rows]) =>
  rows.map(([index, concentration]) => ({ column: column as BreakpointColumn, index, concentration })),
);

describe('subIndex (Decision 1459 Formula 1/2, Table 2)', () => {
  it.each(breakpointCases)('$column at its breakpoint $concentration µg/m³ is exactly $index', (c) => {
    expect(subIndex(c.column, c.concentration)).toBe(c.index);
  });

  it.each(byHand.cases)('$name: $arithmetic', (c) => {
    expect(subIndex(c.column, c.concentration)).toBeCloseTo(c.expected, 9);
  });

  it.each(byHand.aboveTheTop.cases)(
    '$column at $concentration µg/m³ gives $expected (top of the table)',
    (c) => {
      expect(subIndex(c.column, c.concentration)).toBe(c.expected);
    },
  );

  it('rejects what is not a concentration', () => {
    expect(subIndex('pm25', -0.1)).toBeNull();
    expect(subIndex('pm25', Number.NaN)).toBeNull();
    expect(subIndex('co', Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('nowCast (Decision 1459 s.2.2.1a), index 0 = most recent hour', () => {
  it('a constant series is its own NowCast', () => {
    expect(nowCast(Array(12).fill(20))).toBeCloseTo(20, 12);
  });

  it('min/max below 1/2 weighs with w = 1/2', () => {
    // w* = 10/40 = 0.25 <= 0.5 → w = 0.5; (1 x 40 + 0.5 x 10) / (1 + 0.5) = 45 / 1.5 = 30
    expect(nowCast([40, 10])).toBeCloseTo(30, 12);
  });

  it('min/max exactly 1/2 also weighs with w = 1/2, over a full 12 hours', () => {
    // c1 = 60, c2..c12 = 30: w* = 0.5 → w = 0.5. S = Σ_{i=0..11} 0.5^i = 4095/2048.
    // (60 + 30 (S − 1)) / S = 30 + 30/S = 30 + 61440/4095 = 45.003663...
    expect(nowCast([60, ...Array(11).fill(30)])).toBeCloseTo(30 + 61440 / 4095, 10);
  });

  it('min/max above 1/2 weighs with w = min/max', () => {
    // w = 20/30 = 2/3; (30 + (2/3) x 20) / (1 + 2/3) = (130/3) / (5/3) = 26
    expect(nowCast([30, 20])).toBeCloseTo(26, 12);
  });

  it('a missing hour weighs 0, and c1 may be the missing one', () => {
    // c1 missing, w = 2/3: (w x 30 + w^2 x 20) / (w + w^2) = (30 + w x 20) / (1 + w) = 26
    expect(nowCast([null, 30, 20])).toBeCloseTo(26, 12);
    // c2 missing, w = 20/40 = 0.5: (40 + 0.25 x 20) / (1 + 0.25) = 45 / 1.25 = 36
    expect(nowCast([40, null, 20])).toBeCloseTo(36, 12);
  });

  it('needs 2 of the 3 most recent hours', () => {
    expect(nowCast([10, null, null, 50, 50])).toBeNull();
    expect(nowCast([null, null, 10, 10, 10])).toBeNull();
    expect(nowCast([10])).toBeNull();
    expect(nowCast([])).toBeNull();
  });

  it('looks back 12 hours only', () => {
    expect(nowCast([...Array(12).fill(10), 1000])).toBeCloseTo(10, 12);
  });

  it('treats all-zero hours as 0 and negative values as missing', () => {
    expect(nowCast([0, 0, 0])).toBe(0);
    // c2 = −5 is skipped: c1 = c3 = 20 → w = 1 → 20
    expect(nowCast([20, -5, 20])).toBeCloseTo(20, 12);
  });
});

describe('eightHourMean (s.2.2.2a)', () => {
  it('averages 8 consecutive hours and needs 6 of them', () => {
    // (10+20+30+40+50+60+70+80)/8 = 360/8 = 45
    expect(eightHourMean([10, 20, 30, 40, 50, 60, 70, 80, 1000])).toBe(45);
    // six present: (6 x 12)/6 = 12
    expect(eightHourMean([12, 12, null, 12, 12, null, 12, 12])).toBe(12);
    expect(eightHourMean([12, 12, null, 12, 12, null, 12, null])).toBeNull();
  });
});

describe('hourlyAqi and dailyAqi', () => {
  it('is null without PM2.5 and PM10 (s.2.1b), whatever the gases', () => {
    expect(hourlyAqi({ o3: 500, no2: 3000, so2: 900, co: 70000 })).toBeNull();
    expect(hourlyAqi({ pm25: null, pm10: null, no2: 300 })).toBeNull();
    expect(dailyAqi({ o3Max1h: 500, no2Max1h: 300 })).toBeNull();
  });

  it('takes PM10 alone when PM2.5 is missing', () => {
    // PM10 100: 0.5 x 50 + 50 = 75
    expect(hourlyAqi({ pm10: 100 })).toEqual({ aqi: 75, dominant: 'pm10', sub: { pm10: 75 } });
  });

  it('is the largest sub-index, and names its pollutant', () => {
    // PM2.5 20 → 2 x 20 = 40; NO2 450 → 125 (by hand above); SO2 250 → 77.78
    const result = hourlyAqi({ pm25: 20, no2: 450, so2: 250 });
    expect(result?.aqi).toBe(125);
    expect(result?.dominant).toBe('no2');
    expect(result?.sub.pm25).toBeCloseTo(40, 12);
    expect(result?.sub.so2).toBeCloseTo(77.7778, 4);
    expect(Object.keys(result?.sub ?? {}).sort()).toEqual(['no2', 'pm25', 'so2']);
  });

  it('gives a tie to the first of pm25, pm10, o3, no2, so2, co', () => {
    // PM2.5 25 → 50, PM10 50 → 50, O3 160 → 50
    expect(hourlyAqi({ o3: 160, pm10: 50, pm25: 25 })?.dominant).toBe('pm25');
    expect(hourlyAqi({ o3: 160, pm10: 50 })?.dominant).toBe('pm10');
  });

  it('rounds the overall index half up', () => {
    // O3 120 → 50/160 x 120 = 37.5 → 38; PM2.5 5 → 10
    expect(hourlyAqi({ pm25: 5, o3: 120 })).toMatchObject({ aqi: 38, dominant: 'o3' });
    // PM2.5 12.25 → 24.5 → 25; 12.2 → 24.4 → 24
    expect(hourlyAqi({ pm25: 12.25 })?.aqi).toBe(25);
    expect(hourlyAqi({ pm25: 12.2 })?.aqi).toBe(24);
    expect(roundAqi(109.49999999999999)).toBe(110);
  });

  it('caps a concentration beyond the table at 500', () => {
    expect(hourlyAqi({ pm25: 800, co: 500000 })?.aqi).toBe(500);
  });

  it('uses the larger of the O3 1-hour and 8-hour sub-indices for the day', () => {
    // O3 1h max 180 → 75; O3 8h max 150 → (150−100)/(170−120) x (150−120) + 100 = 130; PM2.5 10 → 20
    expect(dailyAqi({ pm25: 10, o3Max1h: 180, o3Max8h: 150 })).toMatchObject({ aqi: 130, dominant: 'o3' });
  });

  it('drops the O3 8-hour sub-index above 400 µg/m³ and uses the 1-hour maximum (s.2.2.2b)', () => {
    // 8h 450 has no breakpoint; 1h 500 → (300−200)/(800−400) x (500−400) + 200 = 225
    const result = dailyAqi({ pm25: 10, o3Max1h: 500, o3Max8h: 450 });
    expect(result).toMatchObject({ aqi: 225, dominant: 'o3' });
  });
});

describe('AQI_BANDS and aqiBand (Decision 1459 Table 1)', () => {
  it.each([
    [0, 'Good', 'Tốt', [0, 228, 0], '#00E400'],
    [50, 'Good', 'Tốt', [0, 228, 0], '#00E400'],
    [51, 'Moderate', 'Trung bình', [255, 255, 0], '#FFFF00'],
    [100, 'Moderate', 'Trung bình', [255, 255, 0], '#FFFF00'],
    [101, 'Poor', 'Kém', [255, 126, 0], '#FF7E00'],
    [150, 'Poor', 'Kém', [255, 126, 0], '#FF7E00'],
    [151, 'Bad', 'Xấu', [255, 0, 0], '#FF0000'],
    [200, 'Bad', 'Xấu', [255, 0, 0], '#FF0000'],
    [201, 'Very bad', 'Rất xấu', [143, 63, 151], '#8F3F97'],
    [300, 'Very bad', 'Rất xấu', [143, 63, 151], '#8F3F97'],
    [301, 'Hazardous', 'Nguy hại', [126, 0, 35], '#7E0023'],
    [500, 'Hazardous', 'Nguy hại', [126, 0, 35], '#7E0023'],
    [50.4, 'Good', 'Tốt', [0, 228, 0], '#00E400'],
    [50.5, 'Moderate', 'Trung bình', [255, 255, 0], '#FFFF00'],
  ])('%s is %s', (aqi, name, nameVi, rgb, hex) => {
    expect(aqiBand(aqi)).toMatchObject({ name, nameVi, rgb, hex });
  });

  it('covers 0..500 without gaps and matches hex to rgb', () => {
    expect(AQI_BANDS[0]?.min).toBe(0);
    AQI_BANDS.forEach((band, k) => {
      if (k > 0) expect(band.min).toBe((AQI_BANDS[k - 1]?.max ?? Number.NaN) + 1);
      const hex = `#${band.rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`.toUpperCase();
      expect(band.hex).toBe(hex);
    });
    expect(AQI_BANDS.at(-1)?.max).toBe(500);
  });
});
