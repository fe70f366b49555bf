/**
 * Panel factories over the foundation SDK's builders: the settings every panel of the walls shares
 * (datasource, English description, units, thresholds from the rules) in one place, and the few options
 * each visualisation needs to be readable from across a room.
 */
import { PanelBuilder as BarChart } from '@grafana/grafana-foundation-sdk/barchart';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  FrameGeometrySourceBuilder,
  FrameGeometrySourceMode,
  GraphDrawStyle,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  MapLayerOptionsBuilder,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  TableCellDisplayMode,
  TableCellHeight,
  VisibilityMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type DataTransformerConfig,
  type DynamicConfigValue,
  FieldColorBuilder,
  FieldColorModeId,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Gauge } from '@grafana/grafana-foundation-sdk/gauge';
import {
  PanelBuilder as Geomap,
  MapViewConfigBuilder,
  TooltipMode,
  TooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/geomap';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimeline } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as Timeseries } from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE_REF } from './datasource.ts';
import { type Step, thresholds } from './thresholds.ts';

export interface Common {
  title: string;
  /** English, shown in the panel's info tooltip. */
  description: string;
  targets: ReadonlyArray<cog.Builder<cog.Dataquery>>;
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  /** Colour steps; the panel is coloured by them. */
  steps?: readonly Step[];
  /** Relative time of this panel alone (e.g. `30m` for "now" panels over per-minute state). */
  timeFrom?: string;
  /** Lower bound of `$__interval` for this panel (data written every minute needs no finer buckets). */
  minInterval?: string;
  /** Fewer, wider `$__interval` buckets than the panel's width would give (queries over many series). */
  maxDataPoints?: number;
  /** Column or series name → Vietnamese display name. */
  names?: Readonly<Record<string, string>>;
  /** Per-field units (tables). */
  units?: Readonly<Record<string, string>>;
  /** Shown when the query returns nothing (counts: `0`). */
  noValue?: string;
  /** Per-field colour steps (tables and maps). */
  fieldSteps?: Readonly<Record<string, readonly Step[]>>;
  mappings?: ValueMapping[];
  transformations?: DataTransformerConfig[];
}

interface Shared<T> {
  title(title: string): T;
  description(description: string): T;
  datasource(ds: { type?: string; uid?: string }): T;
  targets(targets: cog.Builder<cog.Dataquery>[]): T;
  unit(unit: string): T;
  decimals(decimals: number): T;
  min(min: number): T;
  max(max: number): T;
  thresholds(t: ReturnType<typeof thresholds>): T;
  colorScheme(c: FieldColorBuilder): T;
  timeFrom(timeFrom: string): T;
  interval(interval: string): T;
  maxDataPoints(maxDataPoints: number): T;
  mappings(mappings: ValueMapping[]): T;
  noValue(noValue: string): T;
  transformations(t: DataTransformerConfig[]): T;
  overrideByName(name: string, properties: DynamicConfigValue[]): T;
}

/** `cells`: colour table cells by their field's steps. */
function apply<B extends Shared<B>>(b: B, c: Common, cells = false): B {
  b.title(c.title)
    .description(c.description)
    .datasource({ ...DATASOURCE_REF })
    .targets([...c.targets]);
  if (c.unit) b.unit(c.unit);
  if (c.decimals !== undefined) b.decimals(c.decimals);
  if (c.min !== undefined) b.min(c.min);
  if (c.max !== undefined) b.max(c.max);
  if (c.steps)
    b.thresholds(thresholds(c.steps)).colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds));
  if (c.timeFrom) b.timeFrom(c.timeFrom);
  if (c.minInterval) b.interval(c.minInterval);
  if (c.maxDataPoints) b.maxDataPoints(c.maxDataPoints);
  if (c.mappings) b.mappings(c.mappings);
  if (c.transformations) b.transformations(c.transformations);
  if (c.noValue !== undefined) b.noValue(c.noValue);
  const fields = new Set([
    ...Object.keys(c.names ?? {}),
    ...Object.keys(c.units ?? {}),
    ...Object.keys(c.fieldSteps ?? {}),
  ]);
  for (const field of [...fields].sort()) {
    const properties: DynamicConfigValue[] = [];
    const name = c.names?.[field];
    if (name) properties.push({ id: 'displayName', value: name });
    const unit = c.units?.[field];
    if (unit) properties.push({ id: 'unit', value: unit });
    const steps = c.fieldSteps?.[field];
    if (steps) {
      properties.push({ id: 'thresholds', value: thresholds(steps).build() });
      properties.push({ id: 'color', value: { mode: FieldColorModeId.Thresholds } });
      if (cells)
        properties.push({ id: 'custom.cellOptions', value: { type: TableCellDisplayMode.ColorBackground } });
    }
    b.overrideByName(field, properties);
  }
  return b;
}

function legend(): VizLegendOptionsBuilder {
  return new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.List)
    .placement(LegendPlacement.Bottom)
    .calcs([]);
}

export interface TimeseriesOptions extends Common {
  bars?: boolean;
  stacked?: boolean;
  /** How the steps are drawn behind the lines (default: dashed lines with the bands tinted). */
  thresholdsStyle?: GraphThresholdsStyleMode;
}

export function timeseries(c: TimeseriesOptions): Timeseries {
  const b = apply(new Timeseries(), c)
    .legend(legend())
    .drawStyle(c.bars ? GraphDrawStyle.Bars : GraphDrawStyle.Line)
    .lineWidth(2)
    .fillOpacity(c.bars ? 80 : 10)
    .showPoints(VisibilityMode.Never)
    .spanNulls(false);
  if (c.stacked) b.stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group('A'));
  if (c.steps) {
    b.thresholdsStyle(
      new GraphThresholdsStyleConfigBuilder().mode(
        c.thresholdsStyle ?? GraphThresholdsStyleMode.DashedAndArea,
      ),
    );
    // Series keep their own colours; the steps colour the background bands.
    b.colorScheme(new FieldColorBuilder().mode(FieldColorModeId.PaletteClassic));
  }
  return b;
}

export interface StatOptions extends Common {
  /** Background (default) for alarm colours, value for plain counts. */
  colorMode?: BigValueColorMode;
  calc?: 'lastNotNull' | 'sum' | 'max';
  sparkline?: boolean;
}

export function stat(c: StatOptions): Stat {
  return apply(new Stat(), c)
    .colorMode(c.colorMode ?? BigValueColorMode.Background)
    .graphMode(c.sparkline ? BigValueGraphMode.Area : BigValueGraphMode.None)
    .textMode(BigValueTextMode.Auto)
    .reduceOptions(
      new ReduceDataOptionsBuilder()
        .calcs([c.calc ?? 'lastNotNull'])
        .values(false)
        .fields(''),
    );
}

export function gauge(c: Common): Gauge {
  return apply(new Gauge(), c)
    .showThresholdMarkers(true)
    .showThresholdLabels(false)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields(''));
}

export function table(c: Common): Table {
  return apply(new Table(), c, true).showHeader(true).cellHeight(TableCellHeight.Md);
}

export function barchart(c: Common & { xField: string }): BarChart {
  return apply(new BarChart(), c)
    .xField(c.xField)
    .legend(legend())
    .showValue(VisibilityMode.Auto)
    .fillOpacity(80);
}

export function stateTimeline(c: Common): StateTimeline {
  return apply(new StateTimeline(), c)
    .legend(legend())
    .showValue(VisibilityMode.Never)
    .mergeValues(true)
    .rowHeight(0.8);
}

export interface MapLayer {
  kind: 'markers' | 'route';
  name: string;
  /** Field giving each marker's colour (through its steps in `fieldSteps`). */
  colourField?: string;
  /** Field giving each marker's rotation (degrees), e.g. the course. */
  rotationField?: string;
  /** Field shown next to each marker. */
  textField?: string;
  symbol?: 'circle' | 'triangle' | 'square';
}

export interface MapView {
  /** `coords`: a fixed view (wall screens); `fit`: fit the data. */
  fit: boolean;
  lat?: number;
  lon?: number;
  zoom?: number;
}

function layerConfig(layer: MapLayer): Record<string, unknown> {
  const colour = layer.colourField
    ? { field: layer.colourField, fixed: 'dark-green' }
    : { fixed: 'dark-green' };
  const style: Record<string, unknown> = {
    color: colour,
    opacity: 0.9,
    size: { fixed: 7, min: 2, max: 15 },
    symbol: { mode: 'fixed', fixed: `img/icons/marker/${layer.symbol ?? 'circle'}.svg` },
    symbolAlign: { horizontal: 'center', vertical: 'center' },
  };
  if (layer.rotationField)
    style.rotation = { field: layer.rotationField, fixed: 0, min: -360, max: 360, mode: 'mod' };
  if (layer.textField) {
    style.text = { mode: 'field', field: layer.textField, fixed: '' };
    style.textConfig = {
      fontSize: 11,
      offsetX: 0,
      offsetY: -12,
      textAlign: 'center',
      textBaseline: 'bottom',
    };
  }
  return layer.kind === 'route'
    ? { arrow: 1, style: { ...style, lineWidth: 3 } }
    : { showLegend: true, style };
}

export function geomap(c: Common & { layer: MapLayer; view: MapView }): Geomap {
  const view = new MapViewConfigBuilder().id(c.view.fit ? 'fit' : 'coords').allLayers(true);
  if (c.view.fit) view.padding(15).lastOnly(false);
  else
    view
      .lat(c.view.lat ?? 0)
      .lon(c.view.lon ?? 0)
      .zoom(c.view.zoom ?? 8);
  const layer = new MapLayerOptionsBuilder()
    .type(c.layer.kind)
    .name(c.layer.name)
    .config(layerConfig(c.layer))
    .location(
      new FrameGeometrySourceBuilder().mode(FrameGeometrySourceMode.Coords).latitude('lat').longitude('lon'),
    )
    .tooltip(true);
  return apply(new Geomap(), c)
    .view(view)
    .basemap(new MapLayerOptionsBuilder().type('default').name('Basemap').config({}))
    .layers([layer])
    .tooltip(new TooltipOptionsBuilder().mode(TooltipMode.Details));
}

/** Grafana's "Sort by" transformation: rows ordered by one field. */
export function sortBy(field: string, desc: boolean): DataTransformerConfig {
  return { id: 'sortBy', options: { fields: {}, sort: [{ field, desc }] } };
}
