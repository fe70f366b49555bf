/** Local time of day in Hue (UTC+7, no daylight saving) and the traffic rhythm of the city. */

const HOUR_MS = 3_600_000;
/** Vietnam: UTC+7 all year. */
export const LOCAL_OFFSET_H = 7;

/** Local hour of the day, fractional, in [0, 24). */
export function localHour(timeMs: number): number {
  return (((timeMs / HOUR_MS + LOCAL_OFFSET_H) % 24) + 24) % 24;
}

/** A bell around `centre` (hours), wrapping at midnight; 1 at the centre. */
export function bump(hour: number, centre: number, width: number): number {
  const d = Math.min(Math.abs(hour - centre), 24 - Math.abs(hour - centre));
  return Math.exp(-((d / width) ** 2) / 2);
}

/** Traffic intensity: 1 at the rush-hour peaks (7–8 h and 17–18 h local), near 0 elsewhere. */
export function rushHour(hour: number): number {
  return Math.max(bump(hour, 7.5, 0.9), bump(hour, 17.5, 1.1));
}

/** Daytime activity: ~0.1 in the small hours, 1 through the day. */
export function dayActivity(hour: number): number {
  return 0.1 + 0.9 * Math.max(bump(hour, 12.5, 4.5), 0);
}

/** The most recent moment (at or before `nowMs`) when the local clock read `hour`:00. */
export function lastLocalHourMs(hour: number, nowMs: number): number {
  const dayStart =
    Math.floor((nowMs + LOCAL_OFFSET_H * HOUR_MS) / (24 * HOUR_MS)) * 24 * HOUR_MS - LOCAL_OFFSET_H * HOUR_MS;
  const t = dayStart + hour * HOUR_MS;
  return t <= nowMs ? t : t - 24 * HOUR_MS;
}
