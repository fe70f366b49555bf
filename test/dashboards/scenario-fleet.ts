/**
 * The fleet part of the dashboards' scenario (scenario.ts): the simulators' fleet model over the last 8 h,
 * with one vessel silent at sea for ~7 h and one drifting across the outer boundary, as the hub would
 * store it (`vessel_position` by link, `vessel_state` every 2 min) and the alerts it would raise.
 */
import { msToNs, type Point } from '../../ingest/point.ts';
import { defaultOuterBoundary, insideBoundary } from '../../simulators/fleet/boundary.ts';
import {
  HOME_PORTS,
  INSHORE_LIMIT_KM,
  MIDSHORE_LIMIT_KM,
  offshoreKm,
} from '../../simulators/fleet/geography.ts';
import { FleetModel } from '../../simulators/fleet/motion.ts';
import { planFleet } from '../../simulators/fleet/vessels.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface FleetScenario {
  points: Point[];
  silentVessel: string;
  driftVessel: string;
  /** When the drifting vessel left the outer boundary (undefined: it never did). */
  crossingMs?: number;
}

export function alertPoint(
  rule: string,
  department: string,
  severity: string,
  entity: string,
  state: 'pending' | 'firing' | 'resolved',
  atMs: number,
  startedAtMs: number,
  value: number,
  message: string,
): Point {
  return {
    measurement: 'alert',
    tags: { rule, department, severity, entity },
    fields: { state, value, message, transition_id: `${rule}:${entity}:${state}:${startedAtMs}` },
    time: msToNs(atMs),
  };
}

function zoneOf(p: { lat: number; lon: number }): string {
  if (!insideBoundary(defaultOuterBoundary(), p)) return 'outside';
  const km = offshoreKm(p);
  return km < INSHORE_LIMIT_KM ? 'inshore' : km < MIDSHORE_LIMIT_KM ? 'midshore' : 'offshore';
}

/** 20 vessels over the last 8 h, positions every 2 min (AIS every 6, VMS every 30), state every 2 min. */
export function fleetScenario(nowMs: number): FleetScenario {
  const b: { points: Point[]; crossingMs?: number } = { points: [] };
  const specs = planFleet({ vessels: 20, seed: 7, silent: 1, drift: 1 });
  const silent = specs.find((s) => s.scenario === 'silent');
  const drift = specs.find((s) => s.scenario === 'drift');
  if (!silent || !drift) throw new Error('the fleet plan has no silent or drifting vessel');
  const startMs = nowMs - 8 * HOUR;
  const model = new FleetModel(specs, { seed: 7, silentAfterMs: 50 * MINUTE });
  const lastReport = new Map<string, { ms: number; lat: number; lon: number }>();
  const boundary = defaultOuterBoundary();
  let driftInside = true;
  for (let t = startMs, step = 0; t <= nowMs - MINUTE; t += 2 * MINUTE, step++) {
    const states = step === 0 ? model.states() : model.step(2 * MINUTE);
    for (const s of states) {
      const spec = specs.find((x) => x.id === s.id);
      if (!spec) continue;
      if (s.reporting) {
        const fields = { lat: s.lat, lon: s.lon, sog_kn: s.sogKn, cog_deg: s.cogDeg };
        b.points.push({
          measurement: 'vessel_position',
          tags: { vessel: s.id, source: 'nmea' },
          fields,
          time: msToNs(t),
        });
        if (spec.channels.ais && step % 3 === 0)
          b.points.push({
            measurement: 'vessel_position',
            tags: { vessel: s.id, source: 'ais', mmsi: String(spec.mmsi) },
            fields,
            time: msToNs(t + 1000),
          });
        if (spec.terminal && step % 15 === 0)
          b.points.push({
            measurement: 'vessel_position',
            tags: { vessel: s.id, source: 'vms', terminal: spec.terminal },
            fields: { ...fields, seq: step },
            time: msToNs(t + 2000),
          });
        lastReport.set(s.id, { ms: t, lat: s.lat, lon: s.lon });
      }
      const seen = lastReport.get(s.id);
      const state: Point['fields'] = { at_sea: s.atSea, zone: zoneOf(s) };
      if (seen) {
        state.lat = seen.lat;
        state.lon = seen.lon;
        state.silent_min = Math.floor((t - seen.ms) / MINUTE);
      }
      b.points.push({
        measurement: 'vessel_state',
        tags: { vessel: s.id, home_port: HOME_PORTS[spec.homePort].name },
        fields: state,
        time: msToNs(t + 30_000),
      });
      if (s.id === drift.id && driftInside && !insideBoundary(boundary, s)) {
        driftInside = false;
        b.crossingMs = t;
        b.points.push(
          alertPoint(
            'vessel-crossed-boundary',
            'fisheries',
            'critical',
            s.id,
            'firing',
            t,
            t,
            0.2,
            `${s.id} crossed the boundary`,
          ),
        );
      }
    }
  }
  const silentSince = startMs + 50 * MINUTE;
  b.points.push(
    alertPoint(
      'vms-silent-6h',
      'fisheries',
      'warning',
      silent.id,
      'firing',
      silentSince + 6 * HOUR,
      silentSince,
      360,
      `${silent.id} silent for 6 h at sea`,
    ),
  );
  return {
    points: b.points,
    silentVessel: silent.id,
    driftVessel: drift.id,
    ...(b.crossingMs ? { crossingMs: b.crossingMs } : {}),
  };
}
