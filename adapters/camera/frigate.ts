/**
 * `frigate/events`: Frigate NVR's native event message (DOMAIN.md "Camera events"),
 * `{"type": "new"|"update"|"end", "before": {...}, "after": {...}}` → one `camera_event` point for `after`.
 * Frigate's objects carry many fields we do not use (box, region, snapshot, attributes, ...) and gain new
 * ones between versions, so the schema is loose; the fields we do use are checked strictly.
 */
import { z } from 'zod';
import { checkTime, epochSecondsToNs } from '../common/device-time.ts';
import { parseJsonPayload } from '../common/json-payload.ts';
import { pushValidPoint } from '../common/valid-point.ts';
import type { AdapterContext, DecodeResult, InboundMessage, MessageAdapter } from '../types.ts';
import { countSkip, emptyResult } from '../types.ts';
import { cameraEventPoint, EVENT_TYPES, tagText, zoneName } from './event-point.ts';

/** Epoch seconds as Frigate sends them (Python `time.time()`: a float with microseconds). */
const epochSeconds = z.number().positive();

export const FrigateObjectSchema = z
  .object({
    /** `{start_time}-{random}`, e.g. `1718000000.123456-abc123`. */
    id: z.string().min(1).max(256),
    camera: tagText,
    label: tagText,
    // Not stored (no field in DESIGN.md), but both shapes must parse: a string before Frigate 0.14,
    // a `[name, score]` pair since (the score is null when set through the API without one).
    sub_label: z.union([z.string(), z.tuple([z.string(), z.number().nullable()]), z.null()]).optional(),
    score: z.number().min(0).max(1),
    top_score: z.number().min(0).max(1).nullable().optional(),
    false_positive: z.boolean().optional(),
    frame_time: epochSeconds,
    start_time: epochSeconds,
    end_time: epochSeconds.nullable().optional(),
    current_zones: z.array(zoneName).optional(),
    entered_zones: z.array(zoneName).optional(),
  })
  .loose();

export const FrigateEventSchema = z
  .object({
    type: z.enum(EVENT_TYPES),
    before: z.object({}).loose().nullable().optional(),
    after: FrigateObjectSchema,
  })
  .loose();

export type FrigateObject = z.infer<typeof FrigateObjectSchema>;
export type FrigateEvent = z.infer<typeof FrigateEventSchema>;

/** An `end` is timed by the object's end, others by the frame that produced the message. */
function eventSeconds(event: FrigateEvent): number {
  const { after } = event;
  return event.type === 'end' && typeof after.end_time === 'number' ? after.end_time : after.frame_time;
}

export function createFrigateAdapter(ctx: AdapterContext): MessageAdapter {
  function decode(message: InboundMessage): DecodeResult {
    const result = emptyResult();
    if (message.topic !== 'frigate/events') {
      result.rejects.push({ reason: 'bad_topic', error: `topic ${message.topic} is not frigate/events` });
      return result;
    }
    const parsed = parseJsonPayload(message.payload, FrigateEventSchema);
    if (!parsed.ok) {
      result.rejects.push({ reason: parsed.reason, error: parsed.error });
      return result;
    }
    const event = parsed.data;
    const { after } = event;
    // Frigate publishes an object once it stops being a false positive; one that still is, is not an event.
    if (after.false_positive === true) {
      countSkip(result, 'false_positive');
      return result;
    }

    const seconds = eventSeconds(event);
    const problem = checkTime(seconds * 1000, message.receivedAtMs, ctx.limits);
    if (problem) {
      result.rejects.push({ reason: 'implausible_time', error: `after.frame_time/end_time: ${problem}` });
      return result;
    }

    let durationS: number | undefined;
    if (event.type === 'end' && typeof after.end_time === 'number') {
      durationS = Math.round((after.end_time - after.start_time) * 1e6) / 1e6;
      if (durationS < 0) {
        result.rejects.push({
          reason: 'invalid_payload',
          error: `after.end_time ${after.end_time} is before after.start_time ${after.start_time}`,
        });
        return result;
      }
    }

    const point = cameraEventPoint(
      {
        camera: after.camera,
        label: after.label,
        type: event.type,
        eventId: after.id,
        // top_score is the object's best score so far (what Frigate's UI shows); score is this frame's.
        score: typeof after.top_score === 'number' ? after.top_score : after.score,
        zones: [...(after.entered_zones ?? []), ...(after.current_zones ?? [])],
        ...(durationS !== undefined && { durationS }),
        timeNs: epochSecondsToNs(seconds),
      },
      ctx.seriesClock,
    );
    pushValidPoint(result, point);
    return result;
  }

  return { id: 'frigate', decode };
}
