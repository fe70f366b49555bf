/**
 * NMEA 0183 sentence framing, shared by the NMEA and AIS decoders: `$TTSSS,f1,...*HH` or `!AIVDM,...*HH`,
 * HH = XOR of every byte between the start character and `*`, two hex digits (either case).
 * Our own check, because nmea-simple accepts a missing checksum and trailing junk after it.
 */

export type Framed =
  | { ok: true; start: '$' | '!'; body: string; fields: string[] }
  | { ok: false; reason: 'bad_checksum' | 'missing_checksum' | 'malformed_sentence'; error: string };

const MAX_SENTENCE_CHARS = 82 * 4; // NMEA 0183 allows 82; tolerate long proprietary and AIS lines

export function nmeaChecksum(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return sum;
}

export function checksumHex(body: string): string {
  return nmeaChecksum(body).toString(16).toUpperCase().padStart(2, '0');
}

/** Appends `*HH` to a body (without the start character), for encoders and simulators. */
export function withChecksum(start: '$' | '!', body: string): string {
  return `${start}${body}*${checksumHex(body)}`;
}

/** Splits a payload into trimmed non-empty lines (CRLF or LF). */
export function splitLines(text: string): string[] {
  return text
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

export function frame(line: string): Framed {
  if (line.length > MAX_SENTENCE_CHARS) {
    return {
      ok: false,
      reason: 'malformed_sentence',
      error: `sentence longer than ${MAX_SENTENCE_CHARS} characters`,
    };
  }
  const start = line[0];
  if (start !== '$' && start !== '!') {
    return { ok: false, reason: 'malformed_sentence', error: 'a sentence starts with $ or !' };
  }
  // Printable ASCII only (NMEA 0183 §5.1): binary junk is not a sentence.
  if (!/^[\x20-\x7e]+$/.test(line)) {
    return { ok: false, reason: 'malformed_sentence', error: 'sentence holds non-printable characters' };
  }
  const star = line.lastIndexOf('*');
  if (star < 0) return { ok: false, reason: 'missing_checksum', error: 'sentence has no *HH checksum' };
  const given = line.slice(star + 1);
  if (!/^[0-9A-Fa-f]{2}$/.test(given)) {
    return { ok: false, reason: 'bad_checksum', error: `checksum "${given}" is not two hex digits` };
  }
  const body = line.slice(1, star);
  const expected = nmeaChecksum(body);
  if (Number.parseInt(given, 16) !== expected) {
    return {
      ok: false,
      reason: 'bad_checksum',
      error: `checksum ${given.toUpperCase()} does not match computed ${checksumHex(body)}`,
    };
  }
  const fields = body.split(',');
  if (!/^[A-Z0-9]{3,}$/.test(fields[0] ?? '')) {
    return { ok: false, reason: 'malformed_sentence', error: `bad address field "${fields[0] ?? ''}"` };
  }
  return { ok: true, start, body, fields };
}
