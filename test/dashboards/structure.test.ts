/**
 * The generated dashboard JSON as Grafana will load it: unique ids and uids, a grid without overlaps,
 * every datasource reference on the provisioned datasource, thresholds in ascending order, the official
 * VN_AQI colours, and queries that stay aggregated (no raw point dumps) over the dashboard's range.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildDashboards,
  buildProvisioning,
  COMPOSE_PROVISIONING,
  DATASOURCE_FILE,
} from '../../dashboards/build.ts';
import { TIMEZONE } from '../../dashboards/layout.ts';
import { AQI_BANDS } from '../../ingest/vn-aqi.ts';

interface Grid {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface PanelJson {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: Grid;
  targets?: Array<{ refId: string; query: string }>;
  fieldConfig?: { defaults?: { thresholds?: { steps: Step[] } } };
}
interface Step {
  value: number | null;
  color: string;
}

const dashboards = buildDashboards();
const provisioned = parse(buildProvisioning(COMPOSE_PROVISIONING)[DATASOURCE_FILE] ?? '') as {
  datasources: Array<{ uid: string; type: string }>;
};
const cases = dashboards.map((d) => ({
  uid: d.uid,
  json: d.json as { panels: PanelJson[]; timezone: string },
}));

/** Every object under `key` anywhere in the JSON, with its path. */
function collect(node: unknown, key: string, path = '$'): Array<{ path: string; value: unknown }> {
  if (Array.isArray(node)) return node.flatMap((item, i) => collect(item, key, `${path}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => [
    ...(k === key ? [{ path: `${path}.${k}`, value: v }] : []),
    ...collect(v, key, `${path}.${k}`),
  ]);
}

function overlaps(a: Grid, b: Grid): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('generated dashboards', () => {
  it('six dashboards with unique uids and titles', () => {
    expect(dashboards).toHaveLength(6);
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(6);
    expect(new Set(dashboards.map((d) => d.title)).size).toBe(6);
    for (const d of dashboards) expect(d.uid).toMatch(/^[a-z0-9-]{8,40}$/);
  });

  it.each(cases)('$uid: unique panel ids and refIds, every panel titled and described', ({ json }) => {
    const ids = json.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of json.panels.filter((x) => x.type !== 'row')) {
      expect(p.title, `panel ${p.id}`).toBeTruthy();
      expect(p.description, `«${p.title}» has no description`).toMatch(/[a-z]{3}/);
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(refIds.length, `«${p.title}» has no query`).toBeGreaterThan(0);
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });

  it.each(cases)('$uid: panels inside the 24-column grid, none overlapping', ({ json }) => {
    for (const p of json.panels) {
      expect(p.gridPos.x).toBeGreaterThanOrEqual(0);
      expect(p.gridPos.x + p.gridPos.w, `«${p.title}»`).toBeLessThanOrEqual(24);
      expect(p.gridPos.h).toBeGreaterThan(0);
    }
    for (const [i, a] of json.panels.entries())
      for (const b of json.panels.slice(i + 1))
        expect(overlaps(a.gridPos, b.gridPos), `«${a.title}» overlaps «${b.title}»`).toBe(false);
  });

  it.each(cases)('$uid: every datasource reference is the provisioned InfluxDB datasource', ({ json }) => {
    const [ds] = provisioned.datasources;
    const refs = collect(json, 'datasource');
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref.value, ref.path).toEqual({ type: ds?.type, uid: ds?.uid });
  });

  it.each(cases)('$uid: thresholds ascending from a base step', ({ json }) => {
    const all = collect(json, 'steps').filter((s) => Array.isArray(s.value));
    expect(all.length, 'no threshold steps found: the check would pass on nothing').toBeGreaterThan(0);
    for (const { path, value } of all) {
      const steps = value as Step[];
      expect(steps[0]?.value, `${path}: the base step has no value`).toBeNull();
      const values = steps.slice(1).map((s) => s.value as number);
      for (const [i, v] of values.entries()) {
        expect(typeof v, path).toBe('number');
        if (i > 0) expect(v, `${path} not ascending`).toBeGreaterThan(values[i - 1] as number);
      }
    }
  });

  it.each(cases)('$uid: Asia/Ho_Chi_Minh time, aggregated queries on the time filter', ({ json }) => {
    expect(json.timezone).toBe(TIMEZONE);
    for (const p of json.panels)
      for (const t of p.targets ?? []) {
        // Registry data (device_info) is written at start and on change only: it has no time range.
        if (!t.query.includes('FROM "device_info"')) expect(t.query, `«${p.title}»`).toContain('$timeFilter');
        // 1,000 vessels over 7 days: either an aggregate, or an explicit LIMIT.
        expect(t.query, `«${p.title}» dumps raw points`).toMatch(/\b(last|max|mean|count|sum)\(|LIMIT \d+/);
        if (/GROUP BY time\(/.test(t.query)) expect(t.query).toContain('GROUP BY time($__interval)');
      }
  });

  it('VN_AQI panels carry the official band colours of Decision 1459/QD-TCMT', () => {
    const air = cases.find((c) => c.uid === 'hue-air-quality');
    const stat = air?.json.panels.find((p) => p.title === 'VN_AQI hiện tại theo trạm');
    expect(stat?.fieldConfig?.defaults?.thresholds?.steps).toEqual([
      { value: null, color: '#00E400' },
      { value: 51, color: '#FFFF00' },
      { value: 101, color: '#FF7E00' },
      { value: 151, color: '#FF0000' },
      { value: 201, color: '#8F3F97' },
      { value: 301, color: '#7E0023' },
    ]);
    expect(AQI_BANDS.map((b) => b.hex)).toEqual([
      '#00E400',
      '#FFFF00',
      '#FF7E00',
      '#FF0000',
      '#8F3F97',
      '#7E0023',
    ]);
  });

  it('water panels draw the QCVN 08:2023 class limits', () => {
    const water = cases.find((c) => c.uid === 'hue-water-quality');
    const steps = (title: string) =>
      water?.json.panels
        .find((p) => p.title === title)
        ?.fieldConfig?.defaults?.thresholds?.steps.map((s) => s.value);
    expect(steps('pH')).toEqual([null, 6.0, 6.5, 8.5]);
    expect(steps('Ôxy hòa tan (DO)')).toEqual([null, 4.0, 5.0, 6.0]);
    expect(steps('COD')).toEqual([null, 10, 15, 20]);
    expect(steps('BOD5')).toEqual([null, 4, 6, 10]);
    expect(steps('Amoni (NH4+)')).toEqual([null, 0.3]);
    expect(steps('Chất rắn lơ lửng (TSS)')).toEqual([null, 25, 100]);
  });
});
