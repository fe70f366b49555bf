import { describe, expect, it } from 'vitest';
import { type ModbusRegister, ModbusRegisterSchema } from '../../adapters/modbus/config.ts';
import { decodeReply, planReads } from '../../adapters/modbus/decode.ts';

function reg(input: Record<string, unknown>): ModbusRegister {
  return ModbusRegisterSchema.parse({ field: 'pm25', ...input });
}

/** `count` float32 registers back to back from `start`: fields are not validated by planReads. */
function floats(table: string, start: number, count: number): ModbusRegister[] {
  return Array.from({ length: count }, (_, i) => ({
    ...reg({ table, address: start + 2 * i, type: 'float32' }),
    field: `f${i}`,
  }));
}

describe('planReads', () => {
  it('reads contiguous registers of one table in one request', () => {
    const plans = planReads([
      reg({ table: 'input', address: 2, type: 'float32' }),
      reg({ table: 'input', address: 0, type: 'float32' }),
      reg({ table: 'input', address: 4, type: 'int16' }),
    ]);
    expect(plans.map(({ table, address, count }) => ({ table, address, count }))).toEqual([
      { table: 'input', address: 0, count: 5 },
    ]);
    expect(plans[0]!.registers.map((r) => r.address)).toEqual([0, 2, 4]);
  });

  it('splits at 125 registers per FC3/FC4 request without cutting a value in two', () => {
    // 70 float32 = 140 registers: 62 floats (124 registers) fit the first request, the 63rd would need 126.
    const plans = planReads(floats('holding', 100, 70));
    expect(plans.map(({ address, count }) => [address, count])).toEqual([
      [100, 124],
      [224, 16],
    ]);
    for (const plan of plans) expect(plan.count).toBeLessThanOrEqual(125);
    expect(plans.flatMap((p) => p.registers)).toHaveLength(70);
  });

  it('fills a request to exactly 125 registers', () => {
    const singles = Array.from({ length: 126 }, (_, i) => ({
      ...reg({ table: 'input', address: i, type: 'uint16' }),
      field: `w${i}`,
    }));
    expect(planReads(singles).map(({ address, count }) => [address, count])).toEqual([
      [0, 125],
      [125, 1],
    ]);
  });

  it('splits bit reads at 2000 per FC1/FC2 request', () => {
    const coils = Array.from({ length: 2001 }, (_, i) => ({
      ...reg({ table: 'coil', address: i }),
      field: `c${i}`,
    }));
    expect(planReads(coils).map(({ address, count }) => [address, count])).toEqual([
      [0, 2000],
      [2000, 1],
    ]);
  });

  it('never mixes tables, and splits at gaps unless maxGap allows them', () => {
    const regs = [
      reg({ table: 'holding', address: 0, type: 'uint16' }),
      reg({ table: 'input', address: 1, type: 'uint16' }),
      reg({ table: 'holding', address: 4, type: 'uint16' }),
    ];
    const key = (plans: ReturnType<typeof planReads>) =>
      plans.map((p) => `${p.table}:${p.address}+${p.count}`);
    expect(key(planReads(regs))).toEqual(['holding:0+1', 'holding:4+1', 'input:1+1']);
    expect(key(planReads(regs, 3))).toEqual(['holding:0+5', 'input:1+1']);
    expect(key(planReads(regs, 2))).toEqual(['holding:0+1', 'holding:4+1', 'input:1+1']);
  });

  it('reads overlapping registers once and decodes each from its own offset', () => {
    const whole = { ...reg({ table: 'input', address: 10, type: 'uint32' }), field: 'co' };
    const low = { ...reg({ table: 'input', address: 11, type: 'uint16' }), field: 'no2' };
    const plans = planReads([low, whole]);
    expect(plans.map(({ address, count }) => [address, count])).toEqual([[10, 2]]);
    const fields: Record<string, number> = {};
    decodeReply(plans[0]!, [0x0001, 0xe240], fields);
    expect(fields).toEqual({ co: 123456, no2: 0xe240 });
  });

  it('refuses a reply shorter than the request', () => {
    const [plan] = planReads([reg({ table: 'input', address: 0, type: 'float32' })]);
    expect(() => decodeReply(plan!, [0x47f1], {})).toThrow(/returned 1 value/);
  });
});
