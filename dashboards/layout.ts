/**
 * What every dashboard shares: the grid (rows and panels placed left to right, 24 columns), the skeleton
 * (timezone Asia/Ho_Chi_Minh, refresh, links between the walls), template variables and the alert
 * annotation. Panels are placed here rather than by the SDK's auto-layout so that ids and positions are
 * explicit and stable from one build to the next.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  type AnnotationQuery,
  AnnotationQueryBuilder,
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  type Panel,
  QueryVariableBuilder,
  type RowPanel,
  type VariableModel,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { annotationTarget, DATASOURCE_REF } from './datasource.ts';
import { col, fieldCmp, from, tagInVar } from './influxql.ts';

export const TIMEZONE = 'Asia/Ho_Chi_Minh';
export const GRID_COLUMNS = 24;
/** Every dashboard carries this tag; the links menu lists the dashboards that have it. */
export const DASHBOARD_TAG = 'hue';

export class Layout {
  readonly #panels: Array<Panel | RowPanel> = [];
  #x = 0;
  #y = 0;
  #lineHeight = 0;
  #nextId = 1;

  #newLine(): void {
    this.#y += this.#lineHeight;
    this.#x = 0;
    this.#lineHeight = 0;
  }

  /** A full-width row header; the panels after it belong to it (expanded rows keep them at top level). */
  row(title: string): this {
    if (this.#x > 0) this.#newLine();
    this.#panels.push({
      type: 'row',
      id: this.#nextId++,
      title,
      collapsed: false,
      panels: [],
      gridPos: { x: 0, y: this.#y, w: GRID_COLUMNS, h: 1 },
    });
    this.#y += 1;
    return this;
  }

  /** Places a panel `w` columns wide and `h` rows high, wrapping to a new line when the row is full. */
  add(panel: cog.Builder<Panel>, w: number, h: number): this {
    if (w < 1 || w > GRID_COLUMNS) throw new RangeError(`panel width ${w} is outside 1..${GRID_COLUMNS}`);
    if (this.#x + w > GRID_COLUMNS) this.#newLine();
    const built = panel.build();
    built.id = this.#nextId++;
    built.gridPos = { x: this.#x, y: this.#y, w, h };
    this.#panels.push(built);
    this.#x += w;
    this.#lineHeight = Math.max(this.#lineHeight, h);
    return this;
  }

  panels(): Array<Panel | RowPanel> {
    return this.#panels;
  }
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: readonly string[];
  /** Default time range, e.g. `now-6h`. */
  from: string;
  refresh?: string;
  variables: ReadonlyArray<cog.Builder<VariableModel>>;
  annotations: ReadonlyArray<cog.Builder<AnnotationQuery>>;
  layout: Layout;
}

/** The dashboard JSON as Grafana stores it: plain data, `id: null` so that Grafana matches on `uid`. */
export function assemble(spec: DashboardSpec): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([DASHBOARD_TAG, ...spec.tags])
    .timezone(TIMEZONE)
    .weekStart('monday')
    .time({ from: spec.from, to: 'now' })
    .refresh(spec.refresh ?? '1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly()
    .variables([...spec.variables])
    .annotations([...spec.annotations])
    .link(
      new DashboardLinkBuilder('Trung tâm giám sát Huế')
        .type(DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true)
        .icon('external link')
        .tooltip('')
        .targetBlank(false),
    );
  const dashboard = builder.build();
  dashboard.id = null;
  dashboard.panels = spec.layout.panels();
  // Plain JSON: drops the SDK's marker methods and undefined members.
  return JSON.parse(JSON.stringify(dashboard)) as Dashboard;
}

export interface VariableOptions {
  multi?: boolean;
  includeAll?: boolean;
  /** The value of "All" (raw regex, e.g. `.*`); without it Grafana sends every option. */
  allValue?: string;
  /** Selected at load: `all`, or a value. */
  current?: 'all' | string;
}

/** A variable whose options come from an InfluxQL `SHOW TAG VALUES` query, refreshed on load. */
export function queryVariable(
  name: string,
  label: string,
  query: string,
  opts: VariableOptions = {},
): QueryVariableBuilder {
  const multi = opts.multi ?? true;
  const includeAll = opts.includeAll ?? true;
  const builder = new QueryVariableBuilder(name)
    .label(label)
    .datasource({ ...DATASOURCE_REF })
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(multi)
    .includeAll(includeAll)
    .allowCustomValue(false);
  if (opts.allValue !== undefined) builder.allValue(opts.allValue);
  if (opts.current === 'all') {
    builder.current({ selected: true, text: ['All'], value: ['$__all'] });
  } else if (opts.current !== undefined) {
    builder.current({
      selected: true,
      text: multi ? [opts.current] : opts.current,
      value: multi ? [opts.current] : opts.current,
    });
  }
  return builder;
}

/**
 * The departments whose alerts a dashboard overlays. Department names are configuration (`alerts`), so the
 * variable lists those present in `alert`; each dashboard preselects its own (`fisheries` for the fleet).
 */
export function departmentVariable(preselect: 'all' | string): QueryVariableBuilder {
  return queryVariable(
    'department',
    'Phòng ban (cảnh báo)',
    'SHOW TAG VALUES FROM "alert" WITH KEY = "department"',
    {
      current: preselect,
    },
  );
}

/** Firing alerts of the selected departments as annotations: text = message, tags = rule, entity, severity. */
export function alertAnnotation(): AnnotationQueryBuilder {
  const query = from('alert')
    .select(col('message'), col('rule'), col('entity'), col('severity'))
    .where(fieldCmp('state', '=', 'firing'), tagInVar('department', 'department'));
  return new AnnotationQueryBuilder()
    .name('Cảnh báo')
    .datasource({ ...DATASOURCE_REF })
    .enable(true)
    .hide(false)
    .iconColor('red')
    .target(annotationTarget(query, 'message', ['rule', 'entity', 'severity']));
}
