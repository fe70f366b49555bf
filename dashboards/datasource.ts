/**
 * The one InfluxDB datasource every panel references by a fixed uid, and the query objects (targets) of
 * Grafana's InfluxDB datasource in raw InfluxQL mode.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { Select } from './influxql.ts';

export const DATASOURCE_UID = 'hue-influxdb';
export const DATASOURCE_NAME = 'InfluxDB telemetry';
export const DATASOURCE_REF = { type: 'influxdb', uid: DATASOURCE_UID } as const;

export type ResultFormat = 'time_series' | 'table';

/** The JSON of one InfluxQL query as Grafana's InfluxDB datasource stores it. */
export interface InfluxQuery {
  refId: string;
  datasource: { type: string; uid: string };
  query: string;
  rawQuery: true;
  resultFormat: ResultFormat;
  /** Series name, e.g. `$tag_station` (time-series format only). */
  alias?: string;
  /** Annotation queries: which columns hold the text and the tags. */
  fromAnnotations?: true;
  textEditor?: true;
  textColumn?: string;
  tagsColumn?: string;
}

export class InfluxQueryBuilder implements cog.Builder<cog.Dataquery> {
  readonly #query: InfluxQuery;

  constructor(query: InfluxQuery) {
    this.#query = query;
  }

  build(): cog.Dataquery {
    // JSON.stringify drops the marker method: the dashboard JSON holds only the query's fields.
    return { ...this.#query, _implementsDataqueryVariant: () => {} };
  }
}

export interface TargetOptions {
  format?: ResultFormat;
  alias?: string;
}

export function target(refId: string, query: Select | string, opts: TargetOptions = {}): InfluxQueryBuilder {
  return new InfluxQueryBuilder({
    refId,
    datasource: { ...DATASOURCE_REF },
    query: typeof query === 'string' ? query : query.build(),
    rawQuery: true,
    resultFormat: opts.format ?? 'time_series',
    ...(opts.alias ? { alias: opts.alias } : {}),
  });
}

/** An annotation query (InfluxQL): rows become annotations, `text` and `tags` from the named columns. */
export function annotationTarget(
  query: Select,
  textColumn: string,
  tagsColumns: readonly string[],
): InfluxQueryBuilder {
  return new InfluxQueryBuilder({
    refId: 'Anno',
    datasource: { ...DATASOURCE_REF },
    query: query.build(),
    rawQuery: true,
    resultFormat: 'table',
    fromAnnotations: true,
    textEditor: true,
    textColumn,
    tagsColumn: tagsColumns.join(','),
  });
}
