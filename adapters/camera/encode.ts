/**
 * Encoders for the camera simulators and tests: the generic event of DESIGN.md, and Frigate's
 * `frigate/events` message shaped like the real thing (the keys of `TrackedObject.to_dict()` in Frigate
 * 0.14–0.15, frigate/track/tracked_object.py; example at https://docs.frigate.video/integrations/mqtt/).
 */
import type { CameraEventType } from './event-point.ts';

export interface CameraEventInput {
  /** A Date or epoch ms; written as ISO 8601 UTC. */
  time: Date | number;
  eventId: string;
  type: CameraEventType;
  label: string;
  score: number;
  zones?: readonly string[];
  /** Only on `end`. */
  durationS?: number;
}

/** The generic camera event JSON for `cameras/{camera}/events`. */
export function encodeCameraEvent(e: CameraEventInput): string {
  const time = e.time instanceof Date ? e.time : new Date(e.time);
  return JSON.stringify({
    time: time.toISOString(),
    event_id: e.eventId,
    type: e.type,
    label: e.label,
    score: e.score,
    ...(e.zones !== undefined && { zones: [...e.zones] }),
    ...(e.durationS !== undefined && { duration_s: e.durationS }),
  });
}

type Box = [number, number, number, number];

export interface FrigateObjectInput {
  camera: string;
  label: string;
  /** Epoch seconds (float) of the frame this state comes from. */
  frameTime: number;
  /** Epoch seconds; default `frameTime`. */
  startTime?: number;
  /** Epoch seconds; set on `end` (default null). */
  endTime?: number | null;
  /** Default `frigateEventId(startTime)`. */
  id?: string;
  score: number;
  /** Default `score`. */
  topScore?: number;
  /** A string before Frigate 0.14, `[name, score]` since. */
  subLabel?: string | [string, number | null] | null;
  falsePositive?: boolean;
  /** [x1, y1, x2, y2] in detect-resolution pixels. */
  box?: Box;
  currentZones?: readonly string[];
  enteredZones?: readonly string[];
  hasSnapshot?: boolean;
  hasClip?: boolean;
  stationary?: boolean;
}

/** Frigate's event id: the start time with 6 decimals, a dash and six random base-36 characters. */
export function frigateEventId(startTimeS: number, suffix?: string): string {
  const tail = suffix ?? Math.random().toString(36).slice(2, 8).padEnd(6, '0');
  return `${startTimeS.toFixed(6)}-${tail}`;
}

/** Frigate's square detection region around a box: the box's larger side plus a margin, at least 320 px. */
function regionAround([x1, y1, x2, y2]: Box): Box {
  const size = Math.max(320, Math.round(Math.max(x2 - x1, y2 - y1) * 1.2));
  const cx = Math.round((x1 + x2) / 2);
  const cy = Math.round((y1 + y2) / 2);
  const left = Math.max(0, cx - size / 2);
  const top = Math.max(0, cy - size / 2);
  return [left, top, left + size, top + size];
}

/** One tracked object as Frigate serialises it (`before`/`after`). */
export function frigateObject(o: FrigateObjectInput): Record<string, unknown> {
  const startTime = o.startTime ?? o.frameTime;
  const box: Box = o.box ?? [424, 500, 536, 712];
  const width = box[2] - box[0];
  const height = box[3] - box[1];
  const region = regionAround(box);
  const stationary = o.stationary ?? false;
  return {
    id: o.id ?? frigateEventId(startTime),
    camera: o.camera,
    frame_time: o.frameTime,
    snapshot: {
      frame_time: o.frameTime,
      box,
      area: width * height,
      region,
      score: o.score,
      attributes: [],
      current_estimated_speed: 0,
      velocity_angle: 0,
    },
    label: o.label,
    sub_label: o.subLabel ?? null,
    top_score: o.topScore ?? o.score,
    false_positive: o.falsePositive ?? false,
    start_time: startTime,
    end_time: o.endTime ?? null,
    score: o.score,
    box,
    area: width * height,
    ratio: Math.round((width / height) * 1e6) / 1e6,
    region,
    active: !stationary,
    stationary,
    motionless_count: stationary ? 30 : 0,
    position_changes: 1,
    current_zones: [...(o.currentZones ?? [])],
    entered_zones: [...(o.enteredZones ?? o.currentZones ?? [])],
    has_clip: o.hasClip ?? true,
    has_snapshot: o.hasSnapshot ?? true,
    attributes: {},
    current_attributes: [],
    pending_loitering: false,
    max_severity: 'detection',
    current_estimated_speed: 0,
    average_estimated_speed: 0,
    velocity_angle: 0,
  };
}

export interface FrigateEventInput {
  type: CameraEventType;
  /** The object's previous state; default: `after` (as on `new`), with after's id. */
  before?: FrigateObjectInput;
  after: FrigateObjectInput;
}

/** A `frigate/events` message. `before` and `after` share one id unless both give their own. */
export function encodeFrigateEvent(e: FrigateEventInput): string {
  // Frigate's last message of an object always carries its end_time.
  const endsNow = e.type === 'end' && e.after.endTime === undefined;
  const after = frigateObject(endsNow ? { ...e.after, endTime: e.after.frameTime } : e.after);
  const before = frigateObject({ ...(e.before ?? e.after), id: e.before?.id ?? (after.id as string) });
  return JSON.stringify({ type: e.type, before, after });
}
