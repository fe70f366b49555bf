/** Which points a rule looks at (`where`), which entity a point belongs to (`groupBy`), and its values. */
import type { FieldValue } from '../ingest/point.ts';
import type { AttrFilter, Where } from './rule-schema.ts';

/** A rule's `where`, compiled: tag → accepted values, registry attribute → condition. */
export interface Filter {
  tags: Record<string, string[]>;
  registry: Record<string, AttrFilter>;
}

export function compileWhere(where: Where): Filter {
  const { registry, ...tags } = where;
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (value === undefined) continue;
    out[key] = (Array.isArray(value) ? value : [value]).map((v) => String(v));
  }
  return { tags: out, registry: (registry ?? {}) as Record<string, AttrFilter> };
}

/** Read-only lookups the engine may make; both optional so unit tests pass only what they need. */
export interface EvalContext {
  /** The registry entry of a device id, for `where.registry` (e.g. a vessel's `lengthM`). */
  device?(id: string): object | undefined;
  /** Whether the vessel's last known position is at sea (fleet state); undefined when unknown. */
  atSea?(vessel: string): boolean | undefined;
}

/** The entity of a rule without `groupBy`. */
export const WHOLE_ENTITY = 'all';

/** The entity a point belongs to: its `groupBy` tag values joined by `,`; null when one is missing or empty. */
export function entityOf(groupBy: readonly string[], tags: Readonly<Record<string, string>>): string | null {
  if (groupBy.length === 0) return WHOLE_ENTITY;
  const parts: string[] = [];
  for (const tag of groupBy) {
    const value = tags[tag];
    if (!value) return null;
    parts.push(value);
  }
  return parts.join(',');
}

/** The tags naming the entity, kept with its state so time-driven messages can name it. */
export function entityTags(
  groupBy: readonly string[],
  tags: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of groupBy) {
    const value = tags[tag];
    if (value !== undefined) out[tag] = value;
  }
  return out;
}

export function matchesTags(where: Filter, tags: Readonly<Record<string, string>>): boolean {
  for (const key in where.tags) {
    const value = tags[key];
    if (value === undefined || !(where.tags[key] as string[]).includes(value)) return false;
  }
  return true;
}

function attrMatches(filter: AttrFilter, value: unknown): boolean {
  if (typeof filter !== 'object') return value === filter;
  if (value === undefined) return false;
  if (filter.eq !== undefined && value !== filter.eq) return false;
  if (filter.ne !== undefined && value === filter.ne) return false;
  if (filter.in !== undefined && !filter.in.includes(value as string)) return false;
  const n = typeof value === 'number' ? value : Number.NaN;
  if (filter.gt !== undefined && !(n > filter.gt)) return false;
  if (filter.gte !== undefined && !(n >= filter.gte)) return false;
  if (filter.lt !== undefined && !(n < filter.lt)) return false;
  if (filter.lte !== undefined && !(n <= filter.lte)) return false;
  return true;
}

/**
 * `where.registry`: the device named by the entity's first `groupBy` tag must exist in the registry and
 * pass every condition (an unknown vessel, e.g. `mmsi:…` from AIS, has no length and does not match).
 */
export function matchesRegistry(
  where: Filter,
  groupBy: readonly string[],
  tags: Readonly<Record<string, string>>,
  ctx: EvalContext,
): boolean {
  const attrs = Object.keys(where.registry);
  if (attrs.length === 0) return true;
  const id = groupBy[0] === undefined ? undefined : tags[groupBy[0]];
  const device = id === undefined ? undefined : (ctx.device?.(id) as Record<string, unknown> | undefined);
  if (!device) return false;
  return attrs.every((attr) => attrMatches(where.registry[attr] as AttrFilter, device[attr]));
}

/** A field as a number: booleans are 0/1 (so `sos` works with `above: 0.5`); strings are not numbers. */
export function numericField(fields: Readonly<Record<string, FieldValue>>, name: string): number | undefined {
  const value = fields[name];
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}
