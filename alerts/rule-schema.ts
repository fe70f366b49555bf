/**
 * Alert rules, validated with zod and discriminated on `kind` (README.md "Rule kinds"). Durations are
 * parsed to milliseconds here; the `where` filter is normalised to tag lists and registry conditions.
 */
import { z } from 'zod';
import { DurationSchema } from './duration.ts';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A registry attribute condition: an exact value, or comparisons (`{ gte: 15 }`, `{ in: [a, b] }`). */
export const AttrFilterSchema = z.union([
  scalar,
  z
    .object({
      eq: scalar.optional(),
      ne: scalar.optional(),
      gt: z.number().optional(),
      gte: z.number().optional(),
      lt: z.number().optional(),
      lte: z.number().optional(),
      in: z.array(scalar).optional(),
    })
    .strict(),
]);
export type AttrFilter = z.infer<typeof AttrFilterSchema>;

/**
 * `where: { medium: water, source: [vms, nmea], registry: { lengthM: { gte: 15 } } }`: tag keys match an
 * exact value or any of a list; `registry` filters on the entity's device in the registry. Kept as
 * written (a parsed rule parses again to itself); the loader compiles it for the engine.
 */
export const WhereSchema = z
  .object({ registry: z.record(z.string(), AttrFilterSchema).optional() })
  .catchall(z.union([scalar, z.array(scalar).min(1)]));
export type Where = z.output<typeof WhereSchema>;

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'rule ids use letters, digits, _ and - (they are MQTT topic levels)');

const common = {
  id,
  /** false keeps a rule in the file without evaluating it. */
  enabled: z.boolean().default(true),
  department: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'departments use letters, digits, _ and -'),
  severity: z.enum(SEVERITIES),
  /** Template (English): `{station}`, `{vessel}`, `{camera}`, `{entity}`, `{value}`, `{rule}`, ... */
  message: z.string().min(1),
  /** Vietnamese template; e-mails put it first. Default: `message`. */
  messageVi: z.string().min(1).optional(),
  resolvedMessage: z.string().min(1).optional(),
  resolvedMessageVi: z.string().min(1).optional(),
  measurement: z.string().min(1),
  where: WhereSchema.prefault({}),
  /** Tags naming the entity (a station, a vessel, a camera); points lacking one are ignored. */
  groupBy: z.array(z.string().min(1)).default([]),
  /** Re-notify a firing, unacknowledged alert this often (overrides `alerts.repeatIntervalMs`; 0 = never). */
  repeat: DurationSchema.optional(),
  /** Where the limit comes from (a decree, a standard); shown by `GET /api/rules`. */
  source: z.string().optional(),
};

/** Pending period and keep-firing period, shared by the condition-driven kinds. */
const timed = {
  /** The condition must hold this long before the alert fires (pending until then). */
  for: DurationSchema.default(0),
  /** Once the condition has cleared, keep firing this long (a short dip does not resolve). */
  keepFiringFor: DurationSchema.default(0),
};

export const ThresholdRuleSchema = z
  .object({
    kind: z.literal('threshold'),
    ...common,
    ...timed,
    /** Numeric field; booleans count as 0/1 (so `sos` fires with `above: 0.5`). */
    field: z.string().min(1),
    above: z.number().optional(),
    below: z.number().optional(),
    /** Hysteresis: once above, clears only below this (default: `above`). */
    clearBelow: z.number().optional(),
    /** Hysteresis: once below, clears only above this (default: `below`). */
    clearAbove: z.number().optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.above === undefined && rule.below === undefined)
      ctx.addIssue({ code: 'custom', path: ['above'], message: 'a threshold needs `above` or `below`' });
    if (rule.clearBelow !== undefined && (rule.above === undefined || rule.clearBelow > rule.above))
      ctx.addIssue({ code: 'custom', path: ['clearBelow'], message: '`clearBelow` needs `above` ≥ it' });
    if (rule.clearAbove !== undefined && (rule.below === undefined || rule.clearAbove < rule.below))
      ctx.addIssue({ code: 'custom', path: ['clearAbove'], message: '`clearAbove` needs `below` ≤ it' });
    if (rule.above !== undefined && rule.below !== undefined && rule.below >= rule.above)
      ctx.addIssue({ code: 'custom', path: ['below'], message: 'with both, `below` must be under `above`' });
  });

export const SilenceRuleSchema = z
  .object({
    kind: z.literal('silence'),
    ...common,
    /** Fires when no matching point was received for this long (hub clock). */
    after: DurationSchema.refine((ms) => ms > 0, 'after must be positive'),
    /** A point counts only when it carries all of these fields (a VMS report without a fix has no lat). */
    requireFields: z.array(z.string().min(1)).default([]),
    /** Fields whose last value seeds last-seen times from InfluxDB at start (default: requireFields[0]). */
    seedFields: z.array(z.string().min(1)).optional(),
    /** How far back the seed query looks (default: the longer of 30 d and 2 × after). */
    seedHorizon: DurationSchema.optional(),
    /** Only vessels whose last known position is at sea (not inside a port polygon) can fire. */
    onlyAtSea: z.boolean().default(false),
  })
  .strict();

export const ZoneRuleSchema = z
  .object({
    kind: z.literal('zone'),
    ...common,
    ...timed,
    zone: z
      .object({
        /** GeoJSON file, relative to the rules file (or the config file for inline rules). */
        file: z.string().min(1),
        /** Features by `properties.name` (or `id`); their union is the zone. Default: all of them. */
        features: z.array(z.string().min(1)).optional(),
      })
      .strict(),
    /** inside: while inside; enter: entered after being seen outside; exit: left after being seen inside. */
    trigger: z.enum(['enter', 'exit', 'inside']),
    /** Approach mode: fires while within this distance of the boundary on the side not yet triggered. */
    approachKm: z.number().positive().optional(),
    /** Hysteresis at the boundary (GPS jitter): clears only this far past the line. */
    clearMarginKm: z.number().min(0).default(0),
    latField: z.string().default('lat'),
    lonField: z.string().default('lon'),
  })
  .strict();

export const RateRuleSchema = z
  .object({
    kind: z.literal('rate'),
    ...common,
    ...timed,
    window: DurationSchema.refine((ms) => ms > 0, 'window must be positive'),
    /** Fires when more than this many matching points arrived within the window. */
    above: z.number().int().min(0),
    /** Hysteresis: once firing, clears only when the count is below this (default: ≤ above). */
    clearBelow: z.number().int().min(0).optional(),
  })
  .strict();

export const RuleSchema = z.discriminatedUnion('kind', [
  ThresholdRuleSchema,
  SilenceRuleSchema,
  ZoneRuleSchema,
  RateRuleSchema,
]);

export type ThresholdRule = z.output<typeof ThresholdRuleSchema>;
export type SilenceRule = z.output<typeof SilenceRuleSchema>;
export type ZoneRule = z.output<typeof ZoneRuleSchema>;
export type RateRule = z.output<typeof RateRuleSchema>;
export type Rule = z.output<typeof RuleSchema>;
export type RuleInput = z.input<typeof RuleSchema>;

/** A rules file: a list, or `{ rules: [...] }` with an optional description. */
export const RulesFileSchema = z.union([
  z.array(RuleSchema),
  z.object({ description: z.string().optional(), rules: z.array(RuleSchema) }).strict(),
]);
