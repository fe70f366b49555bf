/**
 * A small typed InfluxQL builder for the dashboards (the foundation SDK has none). Every query it makes is
 * checked against DESIGN.md's schema (ingest/schema.ts) when the dashboards are built: a misspelt field or
 * tag stops the build instead of drawing an empty panel on a wall screen.
 *
 * Output shape: `SELECT ... FROM ... WHERE $timeFilter AND ... GROUP BY time($__interval), "tag" fill(none)`
 * with identifiers double-quoted and string literals single-quoted (InfluxQL spec "Identifiers", "Strings").
 * Template variables are matched as `"tag" =~ /^($var)$/`: Grafana joins a multi-value selection with `|`
 * (older versions wrap it in parentheses, newer ones do not), so the group keeps the anchors on every value.
 */
import { SCHEMA } from '../ingest/schema.ts';
import { schemaError } from './errors.ts';

export type Measurement =
  | 'vessel_position'
  | 'vessel_static'
  | 'vessel_state'
  | 'environment'
  | 'air_quality_index'
  | 'camera_event'
  | 'alert'
  | 'deadletter'
  | 'device_info'
  | 'hub';

/** InfluxQL identifier: double quotes, with `"` and `\` escaped. */
export function ident(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** InfluxQL string literal: single quotes, with `'` and `\` escaped. */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** An expression of the SELECT list: its text, the columns it reads, and the column name it yields. */
export class Expr {
  constructor(
    readonly sql: string,
    readonly refs: readonly string[],
    readonly column: string,
    readonly alias?: string,
  ) {}

  as(alias: string): Expr {
    return new Expr(this.sql, this.refs, alias, alias);
  }

  /** The column as the result names it. */
  get name(): string {
    return this.alias ?? this.column;
  }

  render(): string {
    return this.alias ? `${this.sql} AS ${ident(this.alias)}` : this.sql;
  }
}

export function col(name: string): Expr {
  return new Expr(ident(name), [name], name);
}

type Aggregate = 'last' | 'first' | 'max' | 'min' | 'mean' | 'count' | 'sum' | 'spread';

function aggregate(fn: Aggregate, e: Expr): Expr {
  return new Expr(`${fn}(${e.sql})`, e.refs, fn);
}

export const last = (field: string): Expr => aggregate('last', col(field));
export const max = (field: string): Expr => aggregate('max', col(field));
export const min = (field: string): Expr => aggregate('min', col(field));
export const mean = (field: string): Expr => aggregate('mean', col(field));
export const count = (field: string): Expr => aggregate('count', col(field));
export const sum = (field: string): Expr => aggregate('sum', col(field));

/** Per-second rate of a counter that resets on restart (negative steps dropped). */
export function ratePerSecond(inner: Expr): Expr {
  return new Expr(`non_negative_derivative(${inner.sql}, 1s)`, inner.refs, 'non_negative_derivative');
}

/** Increase of a counter per interval (negative steps, i.e. restarts, dropped). */
export function increase(inner: Expr): Expr {
  return new Expr(`non_negative_difference(${inner.sql})`, inner.refs, 'non_negative_difference');
}

/** A count per `$__interval` scaled to a count per `windowMs` (`$__interval_ms`: Grafana's interval, ms). */
export function perWindow(inner: Expr, windowMs: number): Expr {
  return new Expr(`${inner.sql} * ${windowMs} / $__interval_ms`, inner.refs, inner.column);
}

export const perMinute = (inner: Expr): Expr => perWindow(inner, 60_000);
export const perSecond = (inner: Expr): Expr => perWindow(inner, 1000);

/** A condition of the WHERE clause, ANDed with the others. */
export interface Cond {
  sql: string;
  refs: readonly string[];
}

export function tagIs(tag: string, value: string): Cond {
  return { sql: `${ident(tag)} = ${literal(value)}`, refs: [tag] };
}

/** A tag against a Grafana template variable (any of its selected values, or its All value). */
export function tagInVar(tag: string, variable: string): Cond {
  return { sql: `${ident(tag)} =~ /^($${variable})$/`, refs: [tag] };
}

/** A tag against one of a fixed list of values. */
export function tagIn(tag: string, values: readonly string[]): Cond {
  const alternatives = values.map((v) => v.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')).join('|');
  return { sql: `${ident(tag)} =~ /^(${alternatives})$/`, refs: [tag] };
}

export function fieldCmp(
  field: string,
  op: '=' | '!=' | '>=' | '>' | '<=' | '<',
  value: number | boolean | string,
): Cond {
  const text = typeof value === 'string' ? literal(value) : String(value);
  return { sql: `${ident(field)} ${op} ${text}`, refs: [field] };
}

export type Fill = 'none' | 'null' | 'previous' | 0;

/** Where the columns of a FROM come from: a measurement of the schema, or a subquery. */
type Source = { measurement: Measurement } | { subquery: Select };

export class Select {
  #items: Expr[] = [];
  #where: Cond[] = [];
  #groupByTime = false;
  #groupBy: string[] = [];
  #fill?: Fill;
  #timeFilter = true;
  #orderDesc = false;
  #limit?: number;

  constructor(readonly source: Source) {}

  select(...items: Expr[]): this {
    this.#items.push(...items);
    return this;
  }

  where(...conds: Cond[]): this {
    this.#where.push(...conds);
    return this;
  }

  /** `GROUP BY time($__interval)`: Grafana picks the interval from the range and the panel's width. */
  everyInterval(fill: Fill = 'none'): this {
    this.#groupByTime = true;
    this.#fill = fill;
    return this;
  }

  groupBy(...tags: string[]): this {
    this.#groupBy.push(...tags);
    return this;
  }

  /** No `$timeFilter`: for registry data (`device_info`), written at start and on change only. */
  allTime(): this {
    this.#timeFilter = false;
    return this;
  }

  newestFirst(limit: number): this {
    this.#orderDesc = true;
    this.#limit = limit;
    return this;
  }

  /** The column names a query over this one can read: selected names and grouped tags. */
  outputs(): string[] {
    return [...this.#items.map((e) => e.name), ...this.#groupBy];
  }

  #check(): void {
    const { source } = this;
    let fields: readonly string[];
    let tags: readonly string[];
    let what: string;
    if ('measurement' in source) {
      const schema = SCHEMA[source.measurement];
      if (!schema) throw schemaError(`unknown measurement ${source.measurement}`);
      fields = Object.keys(schema.fields);
      tags = schema.tags;
      what = source.measurement;
    } else {
      fields = source.subquery.#items.map((e) => e.name);
      tags = source.subquery.#groupBy;
      what = 'the subquery';
    }
    if (this.#items.length === 0) throw schemaError(`a query on ${what} selects nothing`);
    for (const e of this.#items)
      for (const ref of e.refs)
        if (!fields.includes(ref) && !tags.includes(ref))
          throw schemaError(`${what} has no field or tag "${ref}" (in ${e.render()})`);
    for (const c of this.#where)
      for (const ref of c.refs)
        if (!fields.includes(ref) && !tags.includes(ref))
          throw schemaError(`${what} has no field or tag "${ref}" (in WHERE ${c.sql})`);
    for (const tag of this.#groupBy)
      if (!tags.includes(tag)) throw schemaError(`${what} has no tag "${tag}" to group by`);
  }

  build(): string {
    this.#check();
    const from =
      'measurement' in this.source ? ident(this.source.measurement) : `(${this.source.subquery.build()})`;
    const conds = [...(this.#timeFilter ? ['$timeFilter'] : []), ...this.#where.map((c) => c.sql)];
    const groups = [...(this.#groupByTime ? ['time($__interval)'] : []), ...this.#groupBy.map(ident)];
    const parts = [`SELECT ${this.#items.map((e) => e.render()).join(', ')}`, `FROM ${from}`];
    if (conds.length > 0) parts.push(`WHERE ${conds.join(' AND ')}`);
    if (groups.length > 0) parts.push(`GROUP BY ${groups.join(', ')}`);
    if (this.#fill !== undefined) parts.push(`fill(${this.#fill})`);
    if (this.#orderDesc) parts.push('ORDER BY time DESC');
    if (this.#limit !== undefined) parts.push(`LIMIT ${this.#limit}`);
    return parts.join(' ');
  }
}

export function from(measurement: Measurement): Select {
  return new Select({ measurement });
}

export function fromSubquery(subquery: Select): Select {
  return new Select({ subquery });
}

/** `SHOW TAG VALUES` for a template variable, optionally narrowed by other conditions. */
export function showTagValues(measurement: Measurement, key: string, ...conds: Cond[]): string {
  const schema = SCHEMA[measurement];
  if (!schema?.tags.includes(key)) throw schemaError(`${measurement} has no tag "${key}"`);
  for (const c of conds)
    for (const ref of c.refs)
      if (!schema.tags.includes(ref))
        throw schemaError(`${measurement} has no tag "${ref}" (in WHERE ${c.sql})`);
  const where = conds.length > 0 ? ` WHERE ${conds.map((c) => c.sql).join(' AND ')}` : '';
  return `SHOW TAG VALUES FROM ${ident(measurement)} WITH KEY = ${ident(key)}${where}`;
}
