/** Shared by the alerts tests: rules from plain objects, points, and a driver for the pure engine. */
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { evaluatePoint, newRuleState, tickRule } from '../../alerts/engine.ts';
import type { EvalContext } from '../../alerts/match.ts';
import { loadRules } from '../../alerts/rule-loader.ts';
import { RuleSchema, type ThresholdRuleSchema } from '../../alerts/rule-schema.ts';
import type { LoadedRule, RuleState, Transition } from '../../alerts/types.ts';
import { type FieldValue, msToNs, type Point } from '../../ingest/point.ts';
import { PM25_HIGH, PM25_HIGH_VI } from './rules.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/alerts/', import.meta.url));
export const T0 = Date.parse('2025-03-01T00:00:00Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** The PM2.5 rule of the service tests (no pending period). */
export const PM25_RULE: z.input<typeof ThresholdRuleSchema> = { ...PM25_HIGH, messageVi: PM25_HIGH_VI };

/** A zone rule on the test square (fixtures/alerts/zones/square.geojson: 0.2° a side, centred 17 N 108 E). */
export const SQUARE_ZONE_RULE = {
  kind: 'zone',
  department: 'fisheries',
  severity: 'warning',
  measurement: 'vessel_position',
  groupBy: ['vessel'],
  zone: { file: 'zones/square.geojson', features: ['square'] },
  message: '{vessel} {distanceKm} km',
} as const;

/**
 * A rule as the loader makes it (zone files relative to the fixtures folder), validated at run time by
 * the schema (an invalid test rule throws).
 */
export function rule(input: Readonly<Record<string, unknown>>): LoadedRule {
  const parsed = RuleSchema.parse(input);
  const [loaded] = loadRules({ rules: [parsed], timeScale: 1 }, FIXTURES).rules;
  return loaded as LoadedRule;
}

export function point(
  measurement: string,
  tags: Record<string, string>,
  fields: Record<string, FieldValue>,
  ms = T0,
): Point {
  return { measurement, tags, fields, time: msToNs(ms) };
}

/** A reading of an air station (`hue-1` unless named). */
export function airPm25(pm25: number, station = 'hue-1', ms = T0): Point {
  return point('environment', { station, medium: 'air' }, { pm25 }, ms);
}

/** Drives one rule through points and clock ticks, collecting transitions. */
export class Run {
  readonly state: RuleState = newRuleState();
  readonly transitions: Transition[] = [];

  constructor(
    readonly rule: LoadedRule,
    readonly ctx: EvalContext = {},
  ) {}

  /** A point of the rule's measurement received at `ms`; returns this step's transitions. */
  point(ms: number, tags: Record<string, string>, fields: Record<string, FieldValue>): Transition[] {
    const { transitions } = evaluatePoint(
      this.rule,
      this.state,
      point(this.rule.measurement, tags, fields, ms),
      ms,
      this.ctx,
    );
    this.transitions.push(...transitions);
    return transitions;
  }

  tick(ms: number): Transition[] {
    const { transitions } = tickRule(this.rule, this.state, ms, this.ctx);
    this.transitions.push(...transitions);
    return transitions;
  }

  states(): string[] {
    return this.transitions.map((t) => `${t.entity}:${t.state}`);
  }
}
