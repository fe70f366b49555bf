/**
 * Start-up seeding from InfluxDB: each vessel's last position (fleet state), then each silence rule's
 * last-seen times, so a vessel that went silent while the hub was down still raises its alert.
 * Rules sharing a measurement and filter (the 6 h and 10 d silences) share their queries.
 */
import type { FleetState } from './fleet-state.ts';
import { seedSilence } from './kinds/silence.ts';
import { type EvalContext, matchesRegistry } from './match.ts';
import { fleetSeedQuery, lastSeen, parseFleetSeed, type QueryFn, type Row } from './seed.ts';
import type { LoadedRule, RuleState, Transition } from './types.ts';

export interface SeedReport {
  ok: boolean;
  error?: string;
  /** Silence-rule entities learnt. */
  entities: number;
  /** Vessel positions learnt. */
  vessels: number;
}

function memo(query: QueryFn): QueryFn {
  const asked = new Map<string, Promise<Row[]>>();
  return (influxql) => {
    let rows = asked.get(influxql);
    if (!rows) {
      rows = query(influxql);
      asked.set(influxql, rows);
    }
    return rows;
  };
}

export async function seedFromInflux(options: {
  query: QueryFn;
  rules: readonly LoadedRule[];
  states: ReadonlyMap<string, RuleState>;
  /** Given: vessel positions are seeded too (at start, not on reload). */
  fleet?: FleetState;
  ctx: EvalContext;
  nowMs: number;
}): Promise<{ report: SeedReport; transitions: Transition[] }> {
  const query = memo(options.query);
  const report: SeedReport = { ok: true, entities: 0, vessels: 0 };
  const transitions: Transition[] = [];
  try {
    if (options.fleet) {
      const positions = parseFleetSeed(await query(fleetSeedQuery()));
      for (const p of positions) options.fleet.seed(p.vessel, p.lat, p.lon, p.ms);
      report.vessels = positions.length;
    }
    for (const rule of options.rules) {
      const state = options.states.get(rule.id);
      if (rule.kind !== 'silence' || !rule.enabled || !state) continue;
      for (const [entity, seen] of await lastSeen(rule, query)) {
        if (!matchesRegistry(rule.filter, rule.groupBy, seen.tags, options.ctx)) continue;
        const result = seedSilence(
          rule,
          state.entities.get(entity),
          entity,
          seen.tags,
          seen.ms,
          options.nowMs,
        );
        if (result.entity) state.entities.set(entity, result.entity);
        transitions.push(...result.transitions);
        report.entities++;
      }
    }
  } catch (err) {
    report.ok = false;
    report.error = (err as Error).message;
  }
  return { report, transitions };
}
