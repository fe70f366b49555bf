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

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 70) return code - 55; // A-F
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/** The checksum's two hex digits after `*` at `star`, or -1 when they are not exactly that. */
function givenChecksum(line: string, star: number): number {
  if (line.length !== star + 3) return -1;
  const high = hexDigit(line.charCodeAt(star + 1));
  const low = hexDigit(line.charCodeAt(star + 2));
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

// Talker + sentence formatter (`GPRMC`, `AIVDM`, `PGRME`): upper-case letters and digits, 3 or more.
const ADDRESS = /^[A-Z0-9]{3,}$/;

/** One pass over the line (it runs for every sentence): printable ASCII, and the XOR of the body. */
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
  const star = line.lastIndexOf('*');
  let sum = 0;
  for (let i = 1; i < line.length; i++) {
    const code = line.charCodeAt(i);
    // Printable ASCII only (NMEA 0183 §5.1): binary junk is not a sentence.
    if (code < 0x20 || code > 0x7e) {
      return { ok: false, reason: 'malformed_sentence', error: 'sentence holds non-printable characters' };
    }
    if (i < star) sum ^= code;
  }
  if (star < 0) return { ok: false, reason: 'missing_checksum', error: 'sentence has no *HH checksum' };
  const given = givenChecksum(line, star);
  if (given < 0) {
    const text = line.slice(star + 1);
    return { ok: false, reason: 'bad_checksum', error: `checksum "${text}" is not two hex digits` };
  }
  const body = line.slice(1, star);
  if (given !== sum) {
    return {
      ok: false,
      reason: 'bad_checksum',
      error: `checksum ${line.slice(star + 1).toUpperCase()} does not match computed ${checksumHex(body)}`,
    };
  }
  const fields = body.split(',');
  if (!ADDRESS.test(fields[0] ?? '')) {
    return { ok: false, reason: 'malformed_sentence', error: `bad address field "${fields[0] ?? ''}"` };
  }
  return { ok: true, start, body, fields };
}
