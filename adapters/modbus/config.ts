/**
 * The `modbus` section of the config: stations the hub polls itself (README.md has the reference).
 * Every Modbus default lives here. A bad register map stops the start with the path of the bad key.
 */
import { z } from 'zod';
import { ENVIRONMENT_FIELDS } from '../../ingest/schema.ts';
import { parseModbusUrl } from './url.ts';

export const REGISTER_TABLES = ['holding', 'input', 'coil', 'discrete'] as const;
export type RegisterTable = (typeof REGISTER_TABLES)[number];

export const REGISTER_TYPES = [
  'int16',
  'uint16',
  'int32',
  'uint32',
  'float32',
  'int64',
  'uint64',
  'float64',
] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];

// DOMAIN.md "Modbus" (Telegraf's names): the letters name the value's bytes, most significant first,
// in the order they travel on the wire.
export const BYTE_ORDERS_32 = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;
export const BYTE_ORDERS_64 = ['ABCDEFGH', 'GHEFCDAB', 'BADCFEHG', 'HGFEDCBA'] as const;
export type ByteOrder = (typeof BYTE_ORDERS_32)[number] | (typeof BYTE_ORDERS_64)[number];

/** 16-bit words per value of each type. */
export const TYPE_WORDS: Readonly<Record<RegisterType, 1 | 2 | 4>> = {
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
  int64: 4,
  uint64: 4,
  float64: 4,
};

export const DEFAULT_UNIT_ID = 1;
export const DEFAULT_INTERVAL_MS = 10_000;
export const DEFAULT_TIMEOUT_MS = 2000;
/** Unread registers (or bits) allowed between two mapped ones in one request; 0 = contiguous only. */
export const DEFAULT_MAX_GAP = 0;
/** Cap on the reconnect backoff of a failing device. */
export const MAX_BACKOFF_MS = 60_000;

const STATION_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ADDRESS_MAX = 65_535;

const registerObject = z
  .object({
    /** The `environment` field this register fills (ingest/schema.ts ENVIRONMENT_FIELDS). */
    field: z.string(),
    table: z.enum(REGISTER_TABLES),
    /** Protocol address, 0-based (documentation address 40001 = holding 0, 30001 = input 0). */
    address: z.number().int().min(0).max(ADDRESS_MAX),
    /** Required for holding/input registers; absent for coils and discrete inputs (one bit each). */
    type: z.enum(REGISTER_TYPES).optional(),
    /** Multi-word types only; default big-endian (ABCD, ABCDEFGH). */
    byteOrder: z.enum([...BYTE_ORDERS_32, ...BYTE_ORDERS_64]).optional(),
    /** value = raw × scale + offset; default 1. */
    scale: z
      .number()
      .refine((n) => Number.isFinite(n) && n !== 0, 'scale must be a finite, non-zero number')
      .optional(),
    /** default 0. */
    offset: z.number().optional(),
  })
  .strict();

type RegisterShape = z.infer<typeof registerObject>;

/** Words (registers) or bits a register occupies in its table. */
export function registerWidth(reg: Pick<RegisterShape, 'table' | 'type'>): number {
  if (reg.table === 'coil' || reg.table === 'discrete' || reg.type === undefined) return 1;
  return TYPE_WORDS[reg.type];
}

export function isBitTable(table: RegisterTable): boolean {
  return table === 'coil' || table === 'discrete';
}

function checkRegister(reg: RegisterShape, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (!ENVIRONMENT_FIELDS.includes(reg.field)) {
    issue('field', `unknown environment field "${reg.field}"; one of: ${ENVIRONMENT_FIELDS.join(', ')}`);
  }
  if (isBitTable(reg.table)) {
    for (const key of ['type', 'byteOrder', 'scale', 'offset'] as const) {
      if (reg[key] !== undefined) issue(key, `a ${reg.table} is one bit (0/1): remove ${key}`);
    }
    return;
  }
  if (reg.type === undefined) {
    issue('type', `a ${reg.table} register needs a type: one of ${REGISTER_TYPES.join(', ')}`);
    return;
  }
  const words = TYPE_WORDS[reg.type];
  if (reg.byteOrder !== undefined) {
    if (words === 1) issue('byteOrder', `${reg.type} is one register: remove byteOrder`);
    else if (reg.byteOrder.length !== words * 2) {
      const allowed = words === 2 ? BYTE_ORDERS_32 : BYTE_ORDERS_64;
      issue('byteOrder', `${reg.type} takes one of ${allowed.join(', ')}`);
    }
  }
  if (reg.address + words - 1 > ADDRESS_MAX) {
    issue('address', `a ${reg.type} at ${reg.address} runs past address ${ADDRESS_MAX}`);
  }
}

export const ModbusRegisterSchema = registerObject.superRefine(checkRegister);

export const ModbusDeviceSchema = z
  .object({
    station: z.string().regex(STATION_ID, 'station ids are kebab-case (hue-aq-01)'),
    /** Overrides the registry's medium, for stations polled without a registry entry. */
    medium: z.enum(['air', 'water']).optional(),
    /** `tcp://host[:port]` or `rtu:///dev/ttyUSB0?baud=&parity=&dataBits=&stopBits=`. */
    url: z.string().superRefine((url, ctx) => {
      try {
        parseModbusUrl(url);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
    /** Modbus unit (slave) id; TCP gateways route on it, RTU slaves answer to it. */
    unitId: z.number().int().min(0).max(255).default(DEFAULT_UNIT_ID),
    /** From the start of one poll to the start of the next. */
    intervalMs: z.number().int().min(10).default(DEFAULT_INTERVAL_MS),
    /** Per connect and per request. */
    timeoutMs: z.number().int().min(1).default(DEFAULT_TIMEOUT_MS),
    maxGap: z.number().int().min(0).max(100).default(DEFAULT_MAX_GAP),
    registers: z.array(ModbusRegisterSchema).min(1),
  })
  .strict()
  .superRefine((device, ctx) => {
    const seen = new Set<string>();
    device.registers.forEach((reg, i) => {
      if (seen.has(reg.field)) {
        ctx.addIssue({
          code: 'custom',
          path: ['registers', i, 'field'],
          message: `${reg.field} is mapped twice`,
        });
      }
      seen.add(reg.field);
    });
  });

/** Devices on one serial path share the line, so they must agree on its settings. */
function checkSharedLines(devices: readonly ModbusDevice[], ctx: z.RefinementCtx): void {
  const lines = new Map<string, string>();
  devices.forEach((device, i) => {
    let endpoint: ReturnType<typeof parseModbusUrl>;
    try {
      endpoint = parseModbusUrl(device.url);
    } catch {
      return; // reported on the device
    }
    if (endpoint.kind !== 'rtu') return;
    const settings = `${endpoint.baudRate}/${endpoint.parity}/${endpoint.dataBits}/${endpoint.stopBits}`;
    const first = lines.get(endpoint.path);
    if (first === undefined) lines.set(endpoint.path, settings);
    else if (first !== settings) {
      ctx.addIssue({
        code: 'custom',
        path: ['devices', i, 'url'],
        message: `${endpoint.path} is already used with ${first} (baud/parity/dataBits/stopBits)`,
      });
    }
  });
}

export const ModbusConfigSchema = z
  .object({
    devices: z.array(ModbusDeviceSchema).default([]),
  })
  .strict()
  .superRefine((config, ctx) => checkSharedLines(config.devices, ctx));

export type ModbusRegister = z.infer<typeof ModbusRegisterSchema>;
export type ModbusDevice = z.infer<typeof ModbusDeviceSchema>;
export type ModbusConfig = z.infer<typeof ModbusConfigSchema>;
/** A register as written in the YAML file (defaults not applied), e.g. for `hub sim stations --print-config`. */
export type ModbusRegisterInput = z.input<typeof ModbusRegisterSchema>;
export type ModbusDeviceInput = z.input<typeof ModbusDeviceSchema>;
