/**
 * Publish → written: the load generator carries its publish time in the NMEA sentences, which become the
 * points' timestamps; when InfluxDB answers 2xx to a `/write` carrying a point, that point is stored and
 * visible to queries. So for every `vessel_position` line of a successful write body,
 * latency = (time of the 2xx answer) − (the line's timestamp). Pure: the preload feeds it the bodies.
 */

const NEWLINE = 10;
const SPACE = 32;
const DIGIT_0 = 48;

/**
 * Calls `record(ms)` with the latency of every line of `body` starting with `prefix`
 * (line protocol, nanosecond timestamps, '\n'-terminated lines). Returns how many lines matched.
 * Timestamps are read to the millisecond: the carried NMEA time has no finer digits.
 */
export function writtenLatencies(
  body: Uint8Array,
  prefix: Uint8Array,
  nowMs: number,
  record: (ms: number) => void,
): number {
  let matched = 0;
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(NEWLINE, start);
    if (end < 0) end = body.length;
    if (startsWith(body, start, prefix)) {
      const space = body.lastIndexOf(SPACE, end - 1);
      // A timestamp of at least 7 digits (ns): the ms are all but the last six.
      if (space > start && end - space - 1 > 6) {
        let ms = 0;
        let ok = true;
        for (let i = space + 1; i < end - 6; i++) {
          const d = body[i]! - DIGIT_0;
          if (d < 0 || d > 9) {
            ok = false;
            break;
          }
          ms = ms * 10 + d;
        }
        if (ok) {
          record(nowMs - ms);
          matched++;
        }
      }
    }
    start = end + 1;
  }
  return matched;
}

function startsWith(body: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > body.length) return false;
  for (let i = 0; i < prefix.length; i++) if (body[at + i] !== prefix[i]) return false;
  return true;
}
