/**
 * The AIS payload's 6-bit armouring, both ways, and bit-field access.
 *
 * IEC 61162-1 (NMEA 0183) encapsulation: each payload character carries 6 bits; characters `0`..`W`
 * (48..87) are values 0..39 and `` ` ``..`w` (96..119) are 40..63. The last sentence's fill-bit field
 * (0..5) says how many trailing bits pad the payload to a whole character.
 * Fields are big-endian bit strings (ITU-R M.1371-5 Annex 8); text is 6-bit ASCII, padded with `@`.
 */

/** A payload character's 6-bit value, or -1 when it is not an armour character. */
export function sixBitValue(code: number): number {
  if (code >= 48 && code <= 87) return code - 48;
  if (code >= 96 && code <= 119) return code - 56;
  return -1;
}

const ARMOUR_RE = /^[0-W`-w]+$/;

export function isArmoured(payload: string): boolean {
  return ARMOUR_RE.test(payload);
}

/** Read-only view of a de-armoured message. */
export class BitReader {
  constructor(
    private readonly values: Uint8Array,
    /** Meaningful bits (fill bits excluded). */
    readonly length: number,
  ) {}

  bit(i: number): number {
    const v = this.values[Math.floor(i / 6)] ?? 0;
    return (v >> (5 - (i % 6))) & 1;
  }

  /** Unsigned field of `len` bits (≤ 32) starting at bit `start`. */
  uint(start: number, len: number): number {
    let v = 0;
    for (let i = start; i < start + len; i++) v = v * 2 + this.bit(i);
    return v;
  }

  /** Two's-complement signed field (positions, rate of turn). */
  int(start: number, len: number): number {
    const v = this.uint(start, len);
    return this.bit(start) === 1 ? v - 2 ** len : v;
  }

  /** 6-bit ASCII text (ITU-R M.1371-5 Annex 8 6-bit ASCII table): 0..31 → `@`..`_`, 32..63 → ` `..`?`. */
  text(start: number, chars: number): string {
    let s = '';
    for (let c = 0; c < chars; c++) {
      const v = this.uint(start + c * 6, 6);
      s += String.fromCharCode(v < 32 ? v + 64 : v);
    }
    return s;
  }
}

/** De-armours a complete payload; an error string for bad characters or fill bits. */
export function unarmour(payload: string, fillBits: number): BitReader | string {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 5) return `fill bits ${fillBits} not in 0..5`;
  const values = new Uint8Array(payload.length);
  for (let i = 0; i < payload.length; i++) {
    const v = sixBitValue(payload.charCodeAt(i));
    if (v < 0) return `payload character "${payload[i]}" is not 6-bit armour`;
    values[i] = v;
  }
  const length = payload.length * 6 - fillBits;
  if (length <= 0) return 'payload is empty';
  return new BitReader(values, length);
}

/** Builds a message bit by bit, for the encoders. */
export class BitWriter {
  readonly #bits: number[] = [];

  get length(): number {
    return this.#bits.length;
  }

  /** Appends `value` as `len` bits; negative values as two's complement. */
  uint(value: number, len: number): this {
    let v = Math.trunc(value);
    if (v < 0) v += 2 ** len;
    for (let i = len - 1; i >= 0; i--) this.#bits.push(Math.floor(v / 2 ** i) % 2);
    return this;
  }

  /** 6-bit ASCII text of exactly `chars` characters, padded with `@`; unknown characters become `?`. */
  text(s: string, chars: number): this {
    for (let c = 0; c < chars; c++) {
      const code = c < s.length ? s.charCodeAt(c) : 64;
      const v = code >= 64 && code <= 95 ? code - 64 : code >= 32 && code <= 63 ? code : 63;
      this.uint(v, 6);
    }
    return this;
  }

  /** The armoured payload and its fill bits. */
  armour(): { payload: string; fillBits: number } {
    const fillBits = (6 - (this.#bits.length % 6)) % 6;
    const bits = [...this.#bits, ...new Array<number>(fillBits).fill(0)];
    let payload = '';
    for (let i = 0; i < bits.length; i += 6) {
      let v = 0;
      for (let j = 0; j < 6; j++) v = v * 2 + (bits[i + j] ?? 0);
      payload += String.fromCharCode(v < 40 ? v + 48 : v + 56);
    }
    return { payload, fillBits };
  }
}
