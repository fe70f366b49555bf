/**
 * Between a device's register words and a value's bytes (big-endian, A = most significant), shared by
 * the decoder and the encoder. A byte order names, wire byte by wire byte, which value byte travels
 * there (DOMAIN.md "Modbus"): CDAB puts bytes C and D in the first register, A and B in the second.
 */
import { type ByteOrder, type ModbusRegister, type RegisterType, TYPE_WORDS } from './config.ts';

const LETTER_A = 65;

/** Big-endian per register, as Modbus sends each one (Modbus Application Protocol v1.1b3 §4.2). */
export function bigEndianOrder(words: number): ByteOrder | undefined {
  if (words === 2) return 'ABCD';
  if (words === 4) return 'ABCDEFGH';
  return undefined;
}

/** The byte order a register is read with: its own, else big-endian; undefined for one-word types. */
export function orderOf(reg: ModbusRegister, type: RegisterType): ByteOrder | undefined {
  return reg.byteOrder ?? bigEndianOrder(TYPE_WORDS[type]);
}

/** Register words (uint16 each) → the value's bytes, most significant first. */
export function wordsToValueBytes(words: readonly number[], order: ByteOrder | undefined): Buffer {
  const wire = Buffer.alloc(words.length * 2);
  words.forEach((word, i) => {
    wire.writeUInt16BE(word, i * 2);
  });
  if (order === undefined) return wire;
  const value = Buffer.alloc(wire.length);
  for (let i = 0; i < wire.length; i++) value[order.charCodeAt(i) - LETTER_A] = wire[i]!;
  return value;
}

/** The value's bytes, most significant first → register words in the given order. */
export function valueBytesToWords(value: Buffer, order: ByteOrder | undefined): number[] {
  const wire = Buffer.alloc(value.length);
  for (let i = 0; i < value.length; i++) {
    wire[i] = value[order === undefined ? i : order.charCodeAt(i) - LETTER_A]!;
  }
  const words: number[] = [];
  for (let i = 0; i < wire.length; i += 2) words.push(wire.readUInt16BE(i));
  return words;
}

/**
 * Applies `scale` as a division when it is 1/n (0.1, 0.01): 3 / 10 is the double nearest 0.3, while
 * 3 × 0.1 is 0.30000000000000004.
 */
export function applyScale(raw: number, scale: number): number {
  const inverse = 1 / scale;
  return Math.abs(scale) < 1 && Number.isInteger(inverse) ? raw / inverse : raw * scale;
}

/** The inverse of applyScale. */
export function removeScale(value: number, scale: number): number {
  const inverse = 1 / scale;
  return Math.abs(scale) < 1 && Number.isInteger(inverse) ? value * inverse : value / scale;
}
