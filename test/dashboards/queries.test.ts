/**
 * Every query of every dashboard (panels, template variables, annotations), with Grafana's macros expanded
 * as Grafana expands them, against a real InfluxDB holding the scenarios of scenario.ts: each must run and
 * return rows, and the scenarios must show where a watcher expects them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildDashboards,
  buildProvisioning,
  COMPOSE_PROVISIONING,
  DATASOURCE_FILE,
} from '../../dashboards/build.ts';
import { AQI_BANDS, aqiBand } from '../../ingest/vn-aqi.ts';
import {
  createDatabase,
  query,
  type Row,
  sharedInflux,
  sharedInfluxUrl,
  uniqueDatabase,
} from '../helpers/influxd.ts';
import {
  applySortBy,
  interpolate,
  panelInterval,
  panelRange,
  type Range,
  relativeRange,
  type Step,
  thresholdColour,
  type VariableDef,
  type VariableState,
} from './grafana.ts';
import { buildScenario, type ScenarioFacts } from './scenario.ts';

interface Target {
  refId: string;
  query: string;
}
interface PanelJson {
  id: number;
  type: string;
  title: string;
  timeFrom?: string;
  interval?: string;
  gridPos: { w: number };
  targets?: Target[];
  transformations?: Array<{ id: string; options?: { sort?: Array<{ field: string; desc?: boolean }> } }>;
  fieldConfig?: {
    defaults?: { thresholds?: { steps: Step[] } };
    overrides?: Array<{ matcher: { options: string }; properties: Array<{ id: string; value: unknown }> }>;
  };
}
interface DashboardJson {
  uid: string;
  title: string;
  time: { from: string };
  panels: PanelJson[];
  templating: { list: Array<VariableDef & { query: string; current?: { value: string | string[] } }> };
  annotations: { list: Array<{ name: string; target: Target }> };
}

const dashboards = buildDashboards().map((d) => d.json as unknown as DashboardJson);
/** The datasource's minimum interval, read from the provisioning the dashboards ship with. */
const DATASOURCE_MIN_INTERVAL =
  /timeInterval: (\S+)/.exec(buildProvisioning(COMPOSE_PROVISIONING)[DATASOURCE_FILE] ?? '')?.[1] ?? '';

let url: string;
let db: string;
let facts: ScenarioFacts;

async function writeLines(lines: readonly string[]): Promise<void> {
  const token = sharedInflux().token;
  for (let i = 0; i < lines.length; i += 20_000) {
    const res = await fetch(`${url}/write?db=${encodeURIComponent(db)}&precision=ns`, {
      method: 'POST',
      headers: token ? { Authorization: `Token ${token}` } : {},
      body: lines.slice(i, i + 20_000).join('\n'),
    });
    if (!res.ok) throw new Error(`write: HTTP ${res.status} ${await res.text()}`);
  }
}

beforeAll(async () => {
  url = await sharedInfluxUrl();
  db = uniqueDatabase('dashboards');
  await createDatabase(url, db);
  const scenario = buildScenario(Date.now());
  facts = scenario.facts;
  await writeLines(scenario.lines);
});

/** Variables resolved as Grafana does on load, in order (a variable may use the ones before it). */
const resolved = new Map<string, Promise<Map<string, VariableState>>>();

/** Selections a watcher would make; the rest keep the dashboard's own `current` (or the first option). */
function choice(dashboard: string, name: string): string | undefined {
  if (dashboard === 'hue-fleet' && name === 'vessel') return facts.driftVessel;
  return undefined;
}

function variablesOf(d: DashboardJson): Promise<Map<string, VariableState>> {
  let pending = resolved.get(d.uid);
  if (!pending) {
    pending = (async () => {
      const vars = new Map<string, VariableState>();
      const range = relativeRange(d.time.from, facts.nowMs);
      for (const v of d.templating.list) {
        const q = interpolate(v.query, { range, variables: vars });
        const options = (await query(url, db, q)).map((r) => String(r.value));
        expect(options, `variable $${v.name} of ${d.uid} has no options (${q})`).not.toHaveLength(0);
        const wanted = choice(d.uid, v.name);
        const current = v.current?.value;
        let selected: VariableState['selected'];
        if (wanted !== undefined) selected = [wanted];
        else if (current === undefined) selected = [options[0] as string];
        else if (current === '$__all' || (Array.isArray(current) && current.includes('$__all')))
          selected = 'all';
        else selected = Array.isArray(current) ? current : [current];
        if (selected !== 'all')
          for (const s of selected) expect(options, `$${v.name} of ${d.uid} offers ${s}`).toContain(s);
        vars.set(v.name, { def: v, options, selected });
      }
      return vars;
    })();
    resolved.set(d.uid, pending);
  }
  return pending;
}

function dashboardRange(d: DashboardJson): Range {
  return relativeRange(d.time.from, facts.nowMs);
}

async function runPanel(d: DashboardJson, panel: PanelJson, target: Target): Promise<Row[]> {
  const variables = await variablesOf(d);
  const range = panelRange(panel, dashboardRange(d));
  const interval = panelInterval(panel, range, DATASOURCE_MIN_INTERVAL);
  const q = interpolate(target.query, { range, interval, variables });
  const rows = await query(url, db, q);
  expect(rows.length, `${d.uid} «${panel.title}» ${target.refId} returned nothing: ${q}`).toBeGreaterThan(0);
  return applySortBy(rows, panel.transformations ?? []);
}

function panel(uid: string, title: string): { d: DashboardJson; p: PanelJson; t: Target } {
  const d = dashboards.find((x) => x.uid === uid);
  const p = d?.panels.find((x) => x.title === title);
  const t = p?.targets?.[0];
  if (!d || !p || !t) throw new Error(`no panel «${title}» with a query on ${uid}`);
  return { d, p, t };
}

function fieldSteps(p: PanelJson, field: string): Step[] {
  const override = p.fieldConfig?.overrides?.find((o) => o.matcher.options === field);
  const value = override?.properties.find((x) => x.id === 'thresholds')?.value as
    | { steps: Step[] }
    | undefined;
  if (!value) throw new Error(`«${p.title}» has no steps for ${field}`);
  return value.steps;
}

const panelCases = dashboards.flatMap((d) =>
  d.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ name: `${d.uid} «${p.title}» ${t.refId}`, d, p, t })),
  ),
);
const annotationCases = dashboards.flatMap((d) =>
  d.annotations.list.map((a) => ({ name: `${d.uid} ${a.name}`, d, a })),
);

describe('every dashboard query runs against real data and returns rows', () => {
  it.each(dashboards.map((d) => ({ name: d.uid, d })))('variables of $name', async ({ d }) => {
    const vars = await variablesOf(d);
    expect([...vars.keys()]).toEqual(d.templating.list.map((v) => v.name));
  });

  it.each(annotationCases)('annotation $name', async ({ d, a }) => {
    const variables = await variablesOf(d);
    const q = interpolate(a.target.query, { range: dashboardRange(d), variables });
    const rows = await query(url, db, q);
    expect(rows.length, q).toBeGreaterThan(0);
  });

  it.each(panelCases)('$name', async ({ d, p, t }) => {
    await runPanel(d, p, t);
  });
});

describe('the scenarios show where they should', () => {
  it('the silent vessel tops the silence table and no reporting vessel is in it', async () => {
    const { d, p, t } = panel('hue-fleet', 'Tàu mất tín hiệu trên biển (nặng nhất trước)');
    const rows = await runPanel(d, p, t);
    expect(rows.map((r) => r.vessel)).toEqual([facts.silentVessel]);
    const minutes = rows[0]?.silent_min as number;
    expect(minutes).toBeGreaterThanOrEqual(360);
    expect(thresholdColour(fieldSteps(p, 'silent_min'), minutes)).toBe(AQI_BANDS[3]?.hex);
    const six = panel('hue-fleet', 'Mất tín hiệu trên 6 giờ');
    expect((await runPanel(six.d, six.p, six.t))[0]?.count).toBe(1);
  });

  it('the boundary crossing is annotated on the fleet wall and listed in its alerts', async () => {
    expect(facts.crossingMs).toBeGreaterThan(facts.nowMs - 6 * 3_600_000);
    const fleet = dashboards.find((x) => x.uid === 'hue-fleet') as DashboardJson;
    const anno = fleet.annotations.list[0] as { target: Target };
    const rows = await query(
      url,
      db,
      interpolate(anno.target.query, { range: dashboardRange(fleet), variables: await variablesOf(fleet) }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ rule: 'vessel-crossed-boundary', entity: facts.driftVessel }),
    );
    const { d, p, t } = panel('hue-fleet', 'Cảnh báo nghề cá gần đây');
    expect(await runPanel(d, p, t)).toContainEqual(
      expect.objectContaining({ rule: 'vessel-crossed-boundary', entity: facts.driftVessel }),
    );
    const track = panel('hue-fleet', 'Hành trình tàu $vessel');
    const points = await runPanel(track.d, track.p, track.t);
    expect(points.length).toBeGreaterThan(50);
  });

  it("the polluted station's VN_AQI is in the Bad band, coloured as Decision 1459 says; the others are not", async () => {
    const { d, p, t } = panel('hue-air-quality', 'VN_AQI hiện tại theo trạm');
    const rows = await runPanel(d, p, t);
    const aqi = (station: string) => rows.find((r) => r.station === station)?.aqi as number;
    expect(aqi(facts.pollutedStation)).toBe(facts.pollutedLiveAqi);
    expect(aqiBand(aqi(facts.pollutedStation)).name).toBe('Bad');
    const steps = p.fieldConfig?.defaults?.thresholds?.steps ?? [];
    expect(thresholdColour(steps, aqi(facts.pollutedStation))).toBe('#FF0000');
    for (const s of facts.cleanAirStations) expect(aqi(s)).toBeLessThanOrEqual(100);
    const hourly = panel('hue-air-quality', 'Chất ô nhiễm chính');
    const latest = (await runPanel(hourly.d, hourly.p, hourly.t)).find(
      (r) => r.station === facts.pollutedStation,
    );
    expect(latest?.dominant).toBe('pm25');
    expect(aqiBand(latest?.aqi as number).min).toBeGreaterThanOrEqual(101);
  });

  it('the NH4+ episode shows red against the QCVN 08:2023 health limit; the clean station green', async () => {
    const { d, p, t } = panel('hue-water-quality', 'Giá trị mới nhất theo QCVN 08:2023');
    const rows = await runPanel(d, p, t);
    const steps = fieldSteps(p, 'nh4_mgl');
    const nh4 = (station: string) => rows.find((r) => r.station === station)?.nh4_mgl as number;
    expect(thresholdColour(steps, nh4(facts.nh4Station))).toBe('#FF0000');
    for (const s of facts.cleanWaterStations) expect(thresholdColour(steps, nh4(s))).toBe('#00E400');
  });

  it('the congested camera is red on the congestion panel and tops the busiest cameras', async () => {
    const { d, p, t } = panel('hue-cameras', 'Ùn tắc: ô tô trong 5 phút gần nhất');
    const rows = await runPanel(d, p, t);
    const steps = p.fieldConfig?.defaults?.thresholds?.steps ?? [];
    const colour = (camera: string) =>
      thresholdColour(steps, rows.find((r) => r.camera === camera)?.cars as number);
    expect(colour(facts.congestedCamera)).toBe('#FF0000');
    for (const r of rows)
      if (r.camera !== facts.congestedCamera) expect(colour(String(r.camera))).toBe('#73BF69');
    const top = panel('hue-cameras', 'Camera nhiều sự kiện nhất');
    expect((await runPanel(top.d, top.p, top.t))[0]?.camera).toBe(facts.congestedCamera);
  });

  it('the alerts firing now appear in the alert panels, the resolved one does not', async () => {
    const list = panel('hue-alerts', 'Cảnh báo đang kích hoạt');
    const rows = await runPanel(list.d, list.p, list.t);
    const firing = rows.map((r) => `${r.rule}/${r.entity}`).sort();
    expect(firing).toEqual(facts.firingAlerts.map((a) => `${a.rule}/${a.entity}`).sort());
    const counts = panel('hue-alerts', 'Đang kích hoạt theo phòng ban và mức độ');
    const byGroup = await runPanel(counts.d, counts.p, counts.t);
    const expected = new Map<string, number>();
    for (const a of facts.firingAlerts) {
      const key = `${a.department}/${a.severity}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(new Map(byGroup.map((r) => [`${r.department}/${r.severity}`, r.firing]))).toEqual(expected);
    const history = panel('hue-alerts', 'Lịch sử cảnh báo');
    const transitions = await runPanel(history.d, history.p, history.t);
    expect(transitions.map((r) => r.state)).toContain('resolved');
  });

  it('dead letters rank by reason, most frequent first', async () => {
    const { d, p, t } = panel('hue-hub-health', 'Tổng thư chết theo lý do');
    const rows = await runPanel(d, p, t);
    expect(rows[0]?.reason).toBe(facts.topDeadLetterReason);
  });
});
