/**
 * Decoded AIS reports → `vessel_position` / `vessel_static` points (DESIGN.md InfluxDB schema), timed by
 * receipt as DESIGN.md "Time" says: moved back to the report's UTC second where it gives one, and made
 * unique per series so two reports never overwrite each other.
 */
import { msToNs, type Point } from '../../ingest/point.ts';
import { type SeriesClock, seriesKey } from '../../ingest/time.ts';
import type { PositionReport, StaticReport } from './messages.ts';

/**
 * The latest instant at or before `receivedAtMs` whose UTC second is `second`, on a whole second
 * (a report stamped :58 received at :01 is from the previous minute).
 */
export function atReportSecond(receivedAtMs: number, second: number): number {
  const wholeSecondMs = Math.floor(receivedAtMs / 1000) * 1000;
  const receivedSecond = Math.floor(wholeSecondMs / 1000) % 60;
  return wholeSecondMs - ((receivedSecond - second + 60) % 60) * 1000;
}

function timed(point: Omit<Point, 'time'>, ms: number, clock: SeriesClock): Point {
  return { ...point, time: clock.unique(seriesKey(point.measurement, point.tags), msToNs(ms)) };
}

/** A position point, or null when neither latitude nor longitude is available. */
export function positionPoint(
  r: PositionReport,
  vessel: string,
  receivedAtMs: number,
  clock: SeriesClock,
): Point | null {
  if (r.lat === undefined && r.lon === undefined) return null;
  const fields: Point['fields'] = {};
  if (r.lat !== undefined) fields.lat = r.lat;
  if (r.lon !== undefined) fields.lon = r.lon;
  if (r.sogKn !== undefined) fields.sog_kn = r.sogKn;
  if (r.cogDeg !== undefined) fields.cog_deg = r.cogDeg;
  if (r.headingDeg !== undefined) fields.heading_deg = r.headingDeg;
  const point = {
    measurement: 'vessel_position',
    tags: { vessel, source: 'ais', mmsi: String(r.mmsi) },
    fields,
  };
  const ms = r.second === undefined ? receivedAtMs : atReportSecond(receivedAtMs, r.second);
  return timed(point, ms, clock);
}

/** A static point with what the report carries, or null when it carries nothing. */
export function staticPoint(
  r: StaticReport,
  vessel: string,
  receivedAtMs: number,
  clock: SeriesClock,
): Point | null {
  const fields: Point['fields'] = {};
  if (r.name !== undefined) fields.name = r.name;
  if (r.callsign !== undefined) fields.callsign = r.callsign;
  if (r.shipType !== undefined) fields.ship_type = r.shipType;
  if (r.lengthM !== undefined) fields.length_m = r.lengthM;
  if (Object.keys(fields).length === 0) return null;
  const point = { measurement: 'vessel_static', tags: { vessel, mmsi: String(r.mmsi) }, fields };
  return timed(point, receivedAtMs, clock);
}
