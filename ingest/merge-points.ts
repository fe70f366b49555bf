/**
 * The points of one message that are the same series at the same time (the RMC, GGA and VTG of one fix)
 * become one point, as InfluxDB would store them, for the ingest pipeline and the cluster's remote feed.
 */
import type { Point } from './point.ts';

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  let n = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    n++;
  }
  return n === Object.keys(b).length;
}

/**
 * Appends a point, merged into the one before it when both are the same series at the same time (the
 * RMC and GGA of one fix): InfluxDB would merge their fields anyway (a later field value wins), so
 * the live stream sees what is stored, and the rest of the path does one point's work instead of two.
 */
export function pushMerged(accepted: Point[], point: Point): void {
  const last = accepted[accepted.length - 1];
  if (
    last !== undefined &&
    last.time === point.time &&
    last.measurement === point.measurement &&
    sameTags(last.tags, point.tags)
  ) {
    // In place: the points of a decode are fresh objects that only this path holds (a copy here cost
    // more than the rest of the merge saves: V8 clones such objects slowly).
    Object.assign(last.fields, point.fields);
    return;
  }
  accepted.push(point);
}
