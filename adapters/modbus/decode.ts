/**
 * Pure decoding of Modbus register words into `environment` field values, and the read plan that
 * fetches a device's registers in as few requests as the protocol allows.
 */
import {
  isBitTable,
  type ModbusRegister,
  REGISTER_TABLES,
  type RegisterType,
  registerWidth,
} from './config.ts';
import { ModbusShortReadError } from './errors.ts';
import { applyScale, orderOf, wordsToValueBytes } from './words.ts';

/**
 * Raw integers that mean "not available" (SunSpec's convention): all ones for unsigned types, the most
 * negative value for signed ones (all ones is -1 there, a real reading). Floats use NaN (DOMAIN.md:
 * 0xFFFFFFFF is a NaN).
 */
export const UNAVAILABLE_RAW: Readonly<Record<Exclude<RegisterType, 'float32' | 'float64'>, bigint>> = {
  int16: -0x8000n,
  uint16: 0xffffn,
  int32: -0x8000_0000n,
  uint32: 0xffff_ffffn,
  int64: -0x8000_0000_0000_0000n,
  uint64: 0xffff_ffff_ffff_ffffn,
};

/** The raw value of a register's big-endian bytes: a bigint for integer types, a number for floats. */
export function readRaw(type: RegisterType, bytes: Buffer): bigint | number {
  switch (type) {
    case 'int16':
      return BigInt(bytes.readInt16BE(0));
    case 'uint16':
      return BigInt(bytes.readUInt16BE(0));
    case 'int32':
      return BigInt(bytes.readInt32BE(0));
    case 'uint32':
      return BigInt(bytes.readUInt32BE(0));
    case 'int64':
      return bytes.readBigInt64BE(0);
    case 'uint64':
      return bytes.readBigUInt64BE(0);
    case 'float32':
      return bytes.readFloatBE(0);
    case 'float64':
      return bytes.readDoubleBE(0);
  }
}

/**
 * The field value of one register from its words (its bits as 0/1 for coils and discrete inputs),
 * scaled: raw × scale + offset. Null when the device says the value is unavailable.
 */
export function decodeRegister(reg: ModbusRegister, words: readonly number[]): number | null {
  const width = registerWidth(reg);
  if (words.length !== width) {
    throw new ModbusShortReadError(
      `${reg.field}: expected ${width} word(s) at ${reg.address}, got ${words.length}`,
    );
  }
  if (isBitTable(reg.table) || reg.type === undefined) return words[0] ? 1 : 0;
  const raw = readRaw(reg.type, wordsToValueBytes(words, orderOf(reg, reg.type)));
  let n: number;
  if (typeof raw === 'bigint') {
    if (raw === UNAVAILABLE_RAW[reg.type as keyof typeof UNAVAILABLE_RAW]) return null;
    n = Number(raw); // fields are floats: 64-bit integers beyond 2^53 keep 53 bits of precision
  } else {
    if (!Number.isFinite(raw)) return null; // NaN, and ±Infinity, which no sensor measures
    n = raw;
  }
  const value = applyScale(n, reg.scale ?? 1) + (reg.offset ?? 0);
  return Number.isFinite(value) ? value : null;
}

/** One read request: `count` registers (or bits) of `table` from `address`, and the registers it serves. */
export interface ReadPlan {
  table: ModbusRegister['table'];
  address: number;
  count: number;
  registers: readonly ModbusRegister[];
}

// Modbus Application Protocol v1.1b3 §6.1–6.4: FC1/FC2 read 1..2000 bits, FC3/FC4 1..125 registers.
export const MAX_READ_REGISTERS = 125;
export const MAX_READ_BITS = 2000;

/**
 * Groups registers per table into requests: contiguous (or overlapping) registers, or ones at most
 * `maxGap` unread addresses apart, share a request of at most 125 registers or 2000 bits.
 */
export function planReads(registers: readonly ModbusRegister[], maxGap = 0): ReadPlan[] {
  const plans: ReadPlan[] = [];
  for (const table of REGISTER_TABLES) {
    const limit = isBitTable(table) ? MAX_READ_BITS : MAX_READ_REGISTERS;
    const sorted = registers
      .filter((reg) => reg.table === table)
      .sort((a, b) => a.address - b.address || registerWidth(b) - registerWidth(a));
    let current: { address: number; end: number; registers: ModbusRegister[] } | undefined;
    for (const reg of sorted) {
      const end = reg.address + registerWidth(reg);
      if (
        current &&
        reg.address <= current.end + maxGap &&
        Math.max(current.end, end) - current.address <= limit
      ) {
        current.end = Math.max(current.end, end);
        current.registers.push(reg);
        continue;
      }
      if (current) plans.push(toPlan(table, current));
      current = { address: reg.address, end, registers: [reg] };
    }
    if (current) plans.push(toPlan(table, current));
  }
  return plans;
}

function toPlan(
  table: ReadPlan['table'],
  span: { address: number; end: number; registers: ModbusRegister[] },
): ReadPlan {
  return { table, address: span.address, count: span.end - span.address, registers: span.registers };
}

/** The words (0/1 for bits) of one register out of its request's reply. */
export function wordsFor(plan: ReadPlan, reg: ModbusRegister, reply: readonly number[]): number[] {
  if (reply.length < plan.count) {
    throw new ModbusShortReadError(
      `${plan.table} ${plan.address}+${plan.count}: the device returned ${reply.length} value(s)`,
    );
  }
  const from = reg.address - plan.address;
  return reply.slice(from, from + registerWidth(reg));
}

/** Decodes every register a reply serves into `fields`; unavailable values are left out. */
export function decodeReply(plan: ReadPlan, reply: readonly number[], fields: Record<string, number>): void {
  for (const reg of plan.registers) {
    const value = decodeRegister(reg, wordsFor(plan, reg, reply));
    if (value !== null) fields[reg.field] = value;
  }
}
