import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BYTE_ORDERS_32,
  BYTE_ORDERS_64,
  type ModbusRegister,
  ModbusRegisterSchema,
  REGISTER_TYPES,
  type RegisterType,
  TYPE_WORDS,
} from '../../adapters/modbus/config.ts';
import { decodeRegister } from '../../adapters/modbus/decode.ts';
import { encodeImage, encodeRegister } from '../../adapters/modbus/encode.ts';

function reg(input: Record<string, unknown>): ModbusRegister {
  return ModbusRegisterSchema.parse({ field: 'pm25', table: 'holding', address: 0, ...input });
}

function ordersFor(type: RegisterType): (string | undefined)[] {
  const words = TYPE_WORDS[type];
  if (words === 1) return [undefined];
  return [undefined, ...(words === 2 ? BYTE_ORDERS_32 : BYTE_ORDERS_64)];
}

/** Raw values each type holds exactly, away from its "unavailable" pattern. */
const SAMPLES: Record<RegisterType, number[]> = {
  int16: [0, 1, -1, 32767, -32767, -123],
  uint16: [0, 1, 500, 65534],
  int32: [0, -1, 2147483647, -2147483647, -123456],
  uint32: [0, 123456, 2147483649, 4294967294],
  float32: [0, 123456, -21.5, 0.25, 3.4028234663852886e38],
  int64: [0, -2, 4822678189205111, -(2 ** 53)],
  uint64: [0, 4822678189205111, 2 ** 60],
  float64: [0, 123456, -0.1, 1e300, Number.MIN_VALUE],
};

const cases = REGISTER_TYPES.flatMap((type) =>
  ordersFor(type).flatMap((byteOrder) => SAMPLES[type].map((value) => ({ type, byteOrder, value }))),
);

describe('encodeRegister → decodeRegister', () => {
  it.each(cases)('$type $byteOrder $value', ({ type, byteOrder, value }) => {
    const r = reg({ type, byteOrder });
    const words = encodeRegister(r, value);
    expect(words).toHaveLength(TYPE_WORDS[type]);
    for (const word of words) expect(word >>> 0 === word && word <= 0xffff).toBe(true);
    expect(decodeRegister(r, words)).toBe(value);
  });

  it.each(REGISTER_TYPES.flatMap((type) => ordersFor(type).map((byteOrder) => ({ type, byteOrder }))))(
    '$type $byteOrder: null encodes "unavailable"',
    ({ type, byteOrder }) => {
      const r = reg({ type, byteOrder });
      expect(decodeRegister(r, encodeRegister(r, null))).toBeNull();
    },
  );

  it('round-trips scaled integers to the same decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: -32767, max: 32767 }), (raw) => {
        const r = reg({ type: 'int16', scale: 0.1, offset: -40 });
        const value = raw / 10 - 40;
        expect(decodeRegister(r, encodeRegister(r, value))).toBe(value);
      }),
    );
  });

  it('round-trips any int32 in every order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2147483647, max: 2147483647 }),
        fc.constantFrom(...BYTE_ORDERS_32),
        (n, order) => {
          const r = reg({ type: 'int32', byteOrder: order });
          expect(decodeRegister(r, encodeRegister(r, n))).toBe(n);
        },
      ),
    );
  });
});

describe('encodeRegister', () => {
  it('writes DOMAIN.md literal words for 123456.0 in all four orders', () => {
    expect(encodeRegister(reg({ type: 'float32', byteOrder: 'ABCD' }), 123456)).toEqual([0x47f1, 0x2000]);
    expect(encodeRegister(reg({ type: 'float32', byteOrder: 'CDAB' }), 123456)).toEqual([0x2000, 0x47f1]);
    expect(encodeRegister(reg({ type: 'float32', byteOrder: 'BADC' }), 123456)).toEqual([0xf147, 0x0020]);
    expect(encodeRegister(reg({ type: 'float32', byteOrder: 'DCBA' }), 123456)).toEqual([0x0020, 0xf147]);
    expect(encodeRegister(reg({ type: 'float32', byteOrder: 'CDAB' }), null)).toEqual([0xffff, 0xffff]);
  });

  it('writes the 64-bit and scaled forms by hand', () => {
    expect(encodeRegister(reg({ type: 'float64', byteOrder: 'GHEFCDAB' }), 123456)).toEqual([
      0, 0, 0x2400, 0x40fe,
    ]);
    expect(encodeRegister(reg({ type: 'int16', scale: 0.1 }), -12.3)).toEqual([0xff85]);
    expect(encodeRegister(reg({ type: 'int16' }), null)).toEqual([0x8000]);
    expect(encodeRegister(reg({ table: 'coil', type: undefined }), 1)).toEqual([1]);
  });

  it('refuses values the register cannot hold', () => {
    expect(() => encodeRegister(reg({ type: 'uint16' }), -1)).toThrow(/does not fit uint16/);
    expect(() => encodeRegister(reg({ type: 'int16', scale: 0.1 }), 4000)).toThrow(/does not fit int16/);
    expect(() => encodeRegister(reg({ type: 'uint16' }), 65535)).toThrow(/unavailable/);
    expect(() => encodeRegister(reg({ type: 'int32' }), -2147483648)).toThrow(/unavailable/);
    expect(() => encodeRegister(reg({ type: 'float32' }), 1e39)).toThrow(/overflows float32/);
    expect(() => encodeRegister(reg({ type: 'float64' }), Number.NaN)).toThrow(/not a finite number/);
    expect(() => encodeRegister(reg({ table: 'coil' }), 2)).toThrow(/0 or 1/);
    expect(() => encodeRegister(reg({ table: 'discrete' }), null)).toThrow(/0 or 1/);
  });
});

describe('encodeImage', () => {
  it('lays out each register at its address, unavailable where no value is given', () => {
    const registers = [
      reg({ field: 'pm25', table: 'input', address: 0, type: 'float32', byteOrder: 'CDAB' }),
      reg({ field: 'temp_c', table: 'holding', address: 10, type: 'int16', scale: 0.1 }),
      reg({ field: 'humidity_pct', table: 'holding', address: 11, type: 'uint16' }),
      reg({ field: 'co', table: 'coil', address: 3 }),
    ];
    const image = encodeImage(registers, { pm25: 123456, temp_c: -12.3, co: 1 });
    expect([...image.input]).toEqual([
      [0, 0x2000],
      [1, 0x47f1],
    ]);
    expect([...image.holding]).toEqual([
      [10, 0xff85],
      [11, 0xffff],
    ]);
    expect([...image.coil]).toEqual([[3, true]]);
    expect(image.discrete.size).toBe(0);
  });
});
