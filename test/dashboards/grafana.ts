/**
 * What Grafana does to a dashboard's InfluxQL before sending it, reimplemented for the query test (Grafana
 * itself cannot run here): the panel's time range (with its relative-time override), `$__interval` from
 * the range and the panel's width (Grafana's `rangeutil.calculateInterval` and `roundInterval`, with the
 * datasource's or panel's minimum), `$timeFilter` as the backend writes it, and template variables as the
 * InfluxDB datasource's `interpolateQueryExpr` formats them: a multi-value or All selection is
 * regex-escaped and joined with `|`, a custom All value is sent raw, a single-value variable is escaped.
 * Also the one transformation the tests need to read a table as shown (sortBy) and threshold colouring.
 */

export interface Range {
  fromMs: number;
  toMs: number;
}

/** Grafana's `roundInterval`: the "nice" interval for a raw one (ms). */
export function roundInterval(ms: number): number {
  const table: Array<[number, number]> = [
    [15, 10],
    [35, 20],
    [75, 50],
    [150, 100],
    [350, 200],
    [750, 500],
    [1_500, 1_000],
    [3_500, 2_000],
    [7_500, 5_000],
    [12_500, 10_000],
    [17_500, 15_000],
    [25_000, 20_000],
    [45_000, 30_000],
    [90_000, 60_000],
    [210_000, 120_000],
    [450_000, 300_000],
    [750_000, 600_000],
    [1_050_000, 900_000],
    [1_500_000, 1_200_000],
    [2_700_000, 1_800_000],
    [5_400_000, 3_600_000],
    [9_000_000, 7_200_000],
    [16_200_000, 10_800_000],
    [32_400_000, 21_600_000],
    [86_400_000, 43_200_000],
    [604_800_000, 86_400_000],
    [1_814_400_000, 604_800_000],
    [3_628_800_000, 2_592_000_000],
  ];
  for (const [below, nice] of table) if (ms < below) return nice;
  return 31_536_000_000;
}

const UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
  if (!m) throw new Error(`not a Grafana duration: ${text}`);
  return Number(m[1]) * (UNITS_MS[m[2] as string] as number);
}

/** Grafana's `secondsToHms` for the round intervals it produces: the largest whole unit. */
export function formatInterval(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNITS_MS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** `now-6h` → range ending at `nowMs`. */
export function relativeRange(from: string, nowMs: number): Range {
  const m = /^now-(.+)$/.exec(from);
  if (!m) throw new Error(`unsupported time: ${from}`);
  return { fromMs: nowMs - durationMs(m[1] as string), toMs: nowMs };
}

export interface PanelLike {
  timeFrom?: string;
  interval?: string;
  maxDataPoints?: number;
  gridPos?: { w: number };
}

/** A panel's range: its relative-time override (`timeFrom`) replaces the dashboard's. */
export function panelRange(panel: PanelLike, dashboard: Range): Range {
  return panel.timeFrom
    ? { fromMs: dashboard.toMs - durationMs(panel.timeFrom), toMs: dashboard.toMs }
    : dashboard;
}

/** Width of a panel on a 1920-px wall, which Grafana uses as max data points when none is set. */
export function panelResolution(panel: PanelLike): number {
  return panel.maxDataPoints ?? Math.round(((panel.gridPos?.w ?? 24) / 24) * 1920);
}

export function panelInterval(
  panel: PanelLike,
  range: Range,
  datasourceMin: string,
): { ms: number; text: string } {
  const low = durationMs(panel.interval ?? datasourceMin);
  const ms = Math.max(roundInterval((range.toMs - range.fromMs) / panelResolution(panel)), low);
  return { ms, text: formatInterval(ms) };
}

export interface VariableDef {
  name: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}

export interface VariableState {
  def: VariableDef;
  options: string[];
  /** `all`, or the selected values. */
  selected: 'all' | string[];
}

const REGEX_SPECIAL = /[\\^$*+?.()|[\]{}/]/g;

function escapeRegex(value: string): string {
  return value.replace(REGEX_SPECIAL, '\\$&');
}

/** The text a variable becomes in an InfluxQL query. */
export function formatVariable(v: VariableState): string {
  if (v.selected === 'all' && v.def.allValue !== undefined) return v.def.allValue; // custom All: raw
  const values = v.selected === 'all' ? v.options : v.selected;
  if (!v.def.multi && !v.def.includeAll) {
    const value = values[0] ?? '';
    return Number.isNaN(Number.parseFloat(value)) ? escapeRegex(value) : value;
  }
  return values.map(escapeRegex).join('|');
}

export interface InterpolationContext {
  range: Range;
  interval?: { ms: number; text: string };
  variables: ReadonlyMap<string, VariableState>;
}

export function interpolate(query: string, ctx: InterpolationContext): string {
  let out = query.replaceAll('$timeFilter', `time >= ${ctx.range.fromMs}ms and time <= ${ctx.range.toMs}ms`);
  if (ctx.interval) {
    out = out
      .replaceAll('$__interval_ms', String(ctx.interval.ms))
      .replaceAll('$__interval', ctx.interval.text);
  }
  return out.replace(/\$\{(\w+)\}|\$(\w+)|\[\[(\w+)\]\]/g, (_whole, a, b, c) => {
    const name = (a ?? b ?? c) as string;
    const v = ctx.variables.get(name);
    if (!v)
      throw new Error(
        `query uses $${name}, which is neither a macro nor a variable of the dashboard: ${query}`,
      );
    return formatVariable(v);
  });
}

export interface Step {
  value: number | null;
  color: string;
}

/** The colour Grafana gives a value: the last step it reaches. */
export function thresholdColour(steps: readonly Step[], value: number): string {
  let colour = steps[0]?.color ?? '';
  for (const s of steps) if (s.value === null || value >= s.value) colour = s.color;
  return colour;
}

/** Grafana's sortBy transformation on table rows. */
export function applySortBy<T extends Record<string, unknown>>(
  rows: readonly T[],
  transformations: ReadonlyArray<{
    id: string;
    options?: { sort?: Array<{ field: string; desc?: boolean }> };
  }>,
): T[] {
  let out = [...rows];
  for (const t of transformations) {
    const sort = t.id === 'sortBy' ? t.options?.sort?.[0] : undefined;
    if (!sort) continue;
    const key = sort.field === 'Time' ? 'time' : sort.field;
    out = out.sort((x, y) => {
      const a = x[key] as number | string;
      const b = y[key] as number | string;
      const order = a < b ? -1 : a > b ? 1 : 0;
      return sort.desc ? -order : order;
    });
  }
  return out;
}
