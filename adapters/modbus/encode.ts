/**
 * The inverse of decode.ts, for the simulators' Modbus servers: a field value → the register words a
 * device would serve for it, in the register's byte order. The tests never check the decoder with these
 * words alone (an encoder and a decoder sharing a mistake would agree): DOMAIN.md's literal words pin both.
 */
import { isBitTable, type ModbusRegister, type RegisterType, TYPE_WORDS } from './config.ts';
import { UNAVAILABLE_RAW } from './decode.ts';
import { ModbusEncodeError } from './errors.ts';
import { orderOf, removeScale, valueBytesToWords } from './words.ts';

type IntegerType = keyof typeof UNAVAILABLE_RAW;

const INT_RANGE: Readonly<Record<IntegerType, readonly [bigint, bigint]>> = {
  int16: [-0x8000n, 0x7fffn],
  uint16: [0n, 0xffffn],
  int32: [-0x8000_0000n, 0x7fff_ffffn],
  uint32: [0n, 0xffff_ffffn],
  int64: [-0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn],
  uint64: [0n, 0xffff_ffff_ffff_ffffn],
};

function writeRaw(type: RegisterType, raw: number, field: string): Buffer {
  const bytes = Buffer.alloc(TYPE_WORDS[type] * 2);
  if (type === 'float32') {
    if (!Number.isFinite(Math.fround(raw))) throw new ModbusEncodeError(`${field}: ${raw} overflows float32`);
    bytes.writeFloatBE(raw, 0);
    return bytes;
  }
  if (type === 'float64') {
    bytes.writeDoubleBE(raw, 0);
    return bytes;
  }
  const n = BigInt(Math.round(raw));
  const [min, max] = INT_RANGE[type];
  if (n < min || n > max) throw new ModbusEncodeError(`${field}: raw ${n} does not fit ${type}`);
  if (n === UNAVAILABLE_RAW[type]) {
    throw new ModbusEncodeError(`${field}: raw ${n} is ${type}'s "unavailable" value`);
  }
  // Two's complement, most significant byte first.
  const unsigned = BigInt.asUintN(bytes.length * 8, n);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number((unsigned >> BigInt((bytes.length - 1 - i) * 8)) & 0xffn);
  }
  return bytes;
}

function unavailableBytes(type: RegisterType): Buffer {
  const bytes = Buffer.alloc(TYPE_WORDS[type] * 2, 0xff); // all ones: NaN for floats (DOMAIN.md)
  if (type === 'float32' || type === 'float64') return bytes;
  const raw = BigInt.asUintN(bytes.length * 8, UNAVAILABLE_RAW[type]);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number((raw >> BigInt((bytes.length - 1 - i) * 8)) & 0xffn);
  }
  return bytes;
}

/**
 * The words a device serves for `value` (engineering units: raw × scale + offset), or for null, the
 * type's "unavailable" pattern. Coils and discrete inputs take 0 or 1 and come back as [0] or [1].
 * Throws ModbusEncodeError for a value the register cannot hold.
 */
export function encodeRegister(reg: ModbusRegister, value: number | null): number[] {
  if (isBitTable(reg.table) || reg.type === undefined) {
    if (value !== 0 && value !== 1) throw new ModbusEncodeError(`${reg.field}: a ${reg.table} is 0 or 1`);
    return [value];
  }
  const type = reg.type;
  if (value === null) return valueBytesToWords(unavailableBytes(type), orderOf(reg, type));
  if (!Number.isFinite(value)) throw new ModbusEncodeError(`${reg.field}: ${value} is not a finite number`);
  const raw = removeScale(value - (reg.offset ?? 0), reg.scale ?? 1);
  return valueBytesToWords(writeRaw(type, raw, reg.field), orderOf(reg, type));
}

/** What a device serves, per table: register words by address, bits by address. */
export interface RegisterImage {
  holding: Map<number, number>;
  input: Map<number, number>;
  coil: Map<number, boolean>;
  discrete: Map<number, boolean>;
}

/**
 * The image a simulated device serves for a register map and its current values: a field missing from
 * `values` or null there is served as "unavailable" (coils and discrete inputs as 0).
 */
export function encodeImage(
  registers: readonly ModbusRegister[],
  values: Readonly<Record<string, number | null>>,
): RegisterImage {
  const image: RegisterImage = { holding: new Map(), input: new Map(), coil: new Map(), discrete: new Map() };
  for (const reg of registers) {
    const value = values[reg.field] ?? null;
    if (reg.table === 'coil' || reg.table === 'discrete') {
      image[reg.table].set(reg.address, encodeRegister(reg, value ?? 0)[0] === 1);
      continue;
    }
    encodeRegister(reg, value).forEach((word, i) => {
      image[reg.table as 'holding' | 'input'].set(reg.address + i, word);
    });
  }
  return image;
}
