/**
 * The VMS adapter: one JSON report on `vessels/{vessel}/vms` → one `vessel_position` point with
 * `source=vms`, timed by the report's own `time` (a resent report overwrites itself).
 *
 * GPS state V (`valid: false`) is not a position: it is counted as skipped `no_fix`. An SOS must never
 * vanish with it, though: a report with `sos: true` and no fix still makes a point, holding `sos` (and
 * `seq`) but no lat/lon/speed/course, so the SOS alert fires and the fisheries officer sees it on the
 * vessel's series, next to its last valid position.
 */
import type { Point } from '../../ingest/point.ts';
import { parseTimedPayload } from '../common/timed-payload.ts';
import {
  type AdapterContext,
  countSkip,
  type DecodeResult,
  emptyResult,
  type InboundMessage,
  type MessageAdapter,
} from '../types.ts';
import { type VmsReport, VmsReportSchema } from './schema.ts';

export { type VmsReport, VmsReportSchema } from './schema.ts';

const TOPIC_RE = /^vessels\/([^/]+)\/vms$/;

function fieldsOf(report: VmsReport, hasFix: boolean): Point['fields'] {
  const fields: Point['fields'] = {};
  if (hasFix) {
    fields.lat = report.lat;
    fields.lon = report.lon;
    fields.sog_kn = report.speed_kn;
    fields.cog_deg = report.course_deg;
  }
  if (report.seq !== undefined) fields.seq = report.seq;
  if (report.sos !== undefined) fields.sos = report.sos;
  return fields;
}

export function createVmsAdapter(ctx: AdapterContext): MessageAdapter {
  return {
    id: 'vms',
    decode(message: InboundMessage): DecodeResult {
      const out = emptyResult();
      const vessel = TOPIC_RE.exec(message.topic)?.[1];
      if (!vessel) {
        out.rejects.push({
          reason: 'bad_topic',
          error: `topic "${message.topic}" is not vessels/{vessel}/vms`,
        });
        return out;
      }
      const parsed = parseTimedPayload(message.payload, VmsReportSchema, message.receivedAtMs, ctx.limits);
      if (!parsed.ok) {
        out.rejects.push({ reason: parsed.reason, error: parsed.error });
        return out;
      }
      const report = parsed.data;
      const hasFix = report.valid !== false;
      if (!hasFix) {
        countSkip(out, 'no_fix');
        if (report.sos !== true) return out;
      }
      const tags: Record<string, string> = { vessel, source: 'vms' };
      if (report.terminal !== undefined) tags.terminal = report.terminal;
      out.points.push({
        measurement: 'vessel_position',
        tags,
        fields: fieldsOf(report, hasFix),
        time: parsed.ns,
      });
      return out;
    },
  };
}
