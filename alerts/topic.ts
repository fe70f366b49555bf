/**
 * `alerts/{department}/{rule}/{entity}` (DESIGN.md). A topic level cannot hold `/` (the separator),
 * and `+` and `#` are wildcards a subscriber could not match literally [MQTT-4.7.1]; NUL is not
 * allowed anywhere [MQTT-4.7.3-2]. They are percent-encoded, with `%` itself, so the level decodes back
 * with `decodeURIComponent`: `mmsi:574001230` stays as is, `cam/north` becomes `cam%2Fnorth`.
 */
const ESCAPED = new Set(['%', '/', '+', '#', String.fromCharCode(0)]);

export function escapeTopicLevel(level: string): string {
  let out = '';
  for (const c of level)
    out += ESCAPED.has(c) ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c;
  return out;
}

export function alertTopic(department: string, rule: string, entity: string): string {
  return `alerts/${escapeTopicLevel(department)}/${escapeTopicLevel(rule)}/${escapeTopicLevel(entity)}`;
}
