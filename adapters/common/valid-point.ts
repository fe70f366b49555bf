/**
 * The last step of a JSON decoder: a point that breaks the InfluxDB schema (`validatePoint`) is not
 * written but dead-lettered as `invalid_payload`, with the schema's reason.
 */
import type { Point } from '../../ingest/point.ts';
import { validatePoint } from '../../ingest/schema.ts';
import type { DecodeResult } from '../types.ts';

export function pushValidPoint(result: DecodeResult, point: Point): void {
  const problem = validatePoint(point);
  if (problem) result.rejects.push({ reason: 'invalid_payload', error: problem });
  else result.points.push(point);
}
