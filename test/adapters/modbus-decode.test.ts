/**
 * The decoder against literal register words (DOMAIN.md "Modbus", hand-computed values for the rest):
 * one case per folder in test/fixtures/modbus/, `registers.json` {register, words} → `expected.json` {value}.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModbusRegisterSchema } from '../../adapters/modbus/config.ts';
import { decodeRegister } from '../../adapters/modbus/decode.ts';
import { FIXTURES_ROOT, fixtureCases, readJson } from '../helpers/adapter-fixtures.ts';

const FIXTURES = join(FIXTURES_ROOT, 'modbus');
const cases = fixtureCases(FIXTURES);

function hexWord(text: string): number {
  if (!/^0x[0-9A-Fa-f]{4}$/.test(text)) throw new Error(`fixture word ${text} is not 0xHHHH`);
  return Number.parseInt(text.slice(2), 16);
}

function load(name: string) {
  const dir = join(FIXTURES, name);
  const input = readJson<{ register: unknown; words: string[] }>(dir, 'registers.json');
  const expected = readJson<{ value: number | null }>(dir, 'expected.json');
  return { register: ModbusRegisterSchema.parse(input.register), words: input.words.map(hexWord), expected };
}

describe('decodeRegister (fixtures)', () => {
  it('has the cases DOMAIN.md requires', () => {
    for (const order of ['abcd', 'cdab', 'badc', 'dcba']) expect(cases).toContain(`float32-${order}-123456`);
    expect(cases).toContain('float32-nan-ffffffff-is-unavailable');
  });

  it.each(cases)('%s', (name) => {
    const { register, words, expected } = load(name);
    expect(decodeRegister(register, words)).toBe(expected.value);
  });
});

describe('decodeRegister', () => {
  it('refuses words that do not match the register width', () => {
    const reg = ModbusRegisterSchema.parse({ field: 'pm25', table: 'input', address: 0, type: 'float32' });
    expect(() => decodeRegister(reg, [0x47f1])).toThrow(/expected 2 word/);
  });
});
