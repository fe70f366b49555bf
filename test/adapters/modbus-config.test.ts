import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ModbusConfigSchema } from '../../adapters/modbus/config.ts';
import { parseModbusUrl } from '../../adapters/modbus/url.ts';

const ISSUE_EXAMPLE = `
devices:
  - station: hue-aq-01
    medium: air
    url: tcp://127.0.0.1:5020          # or rtu:///dev/ttyUSB0?baud=9600&parity=none
    unitId: 1
    intervalMs: 10000
    timeoutMs: 2000
    registers:
      - { field: pm25, table: input, address: 0, type: float32, byteOrder: CDAB }
      - { field: temp_c, table: holding, address: 10, type: int16, scale: 0.1 }
`;

function device(overrides: Record<string, unknown> = {}, register: Record<string, unknown> = {}) {
  return {
    station: 'hue-aq-01',
    url: 'tcp://127.0.0.1:5020',
    registers: [{ field: 'pm25', table: 'input', address: 0, type: 'float32', ...register }],
    ...overrides,
  };
}

/** The issues of a config that must fail, as "path: message" lines. */
function problems(config: unknown): string[] {
  const result = ModbusConfigSchema.safeParse(config);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('ModbusConfigSchema', () => {
  it('accepts the issue example', () => {
    const config = ModbusConfigSchema.parse(parseYaml(ISSUE_EXAMPLE));
    expect(config.devices[0]).toMatchObject({ station: 'hue-aq-01', medium: 'air', unitId: 1, maxGap: 0 });
    expect(config.devices[0]!.registers[1]).toEqual({
      field: 'temp_c',
      table: 'holding',
      address: 10,
      type: 'int16',
      scale: 0.1,
    });
  });

  it('defaults to no devices, and a device to unit 1 every 10 s with a 2 s timeout', () => {
    expect(ModbusConfigSchema.parse({})).toEqual({ devices: [] });
    expect(ModbusConfigSchema.parse({ devices: [device()] }).devices[0]).toMatchObject({
      unitId: 1,
      intervalMs: 10_000,
      timeoutMs: 2000,
    });
  });

  it.each([
    [
      'an unknown field',
      device({}, { field: 'pm1' }),
      /registers\.0\.field: unknown environment field "pm1"/,
    ],
    [
      'a 64-bit order on float32',
      device({}, { byteOrder: 'ABCDEFGH' }),
      /byteOrder: float32 takes one of ABCD/,
    ],
    [
      'a 32-bit order on int64',
      device({}, { type: 'int64', byteOrder: 'CDAB' }),
      /int64 takes one of ABCDEFGH/,
    ],
    ['a byte order on int16', device({}, { type: 'int16', byteOrder: 'ABCD' }), /int16 is one register/],
    ['a register without type', device({}, { type: undefined }), /input register needs a type/],
    ['a type on a coil', device({}, { table: 'coil' }), /coil is one bit \(0\/1\): remove type/],
    ['an unknown byte order', device({}, { byteOrder: 'ACBD' }), /byteOrder/],
    ['a zero scale', device({}, { scale: 0 }), /scale must be a finite, non-zero number/],
    ['a value past 65535', device({}, { address: 65535 }), /runs past address 65535/],
    ['an unknown register key', device({}, { bits: 3 }), /Unrecognized key/],
    [
      'a station that is not kebab-case',
      device({ station: 'Hue_AQ' }),
      /station: station ids are kebab-case/,
    ],
    ['a url without scheme', device({ url: '127.0.0.1:502' }), /url: 127.0.0.1:502: not a url/],
    ['an http url', device({ url: 'http://plc.local' }), /url: .*scheme must be tcp:\/\/ or rtu:\/\//],
    ['a tcp url without host', device({ url: 'tcp://:502' }), /url: /],
    ['an rtu url with a host', device({ url: 'rtu://dev/ttyUSB0' }), /three slashes/],
    ['an odd baud rate', device({ url: 'rtu:///dev/ttyUSB0?baud=9601' }), /baud must be one of/],
    ['an unknown rtu option', device({ url: 'rtu:///dev/ttyUSB0?speed=9600' }), /unknown option speed/],
    ['no registers', device({ registers: [] }), /registers: /],
    ['a unit id above 255', device({ unitId: 256 }), /unitId/],
  ])('refuses %s', (_name, dev, message) => {
    expect(problems({ devices: [dev] }).join('\n')).toMatch(message);
  });

  it('refuses a field mapped twice on one device', () => {
    const dev = device({
      registers: [
        { field: 'pm25', table: 'input', address: 0, type: 'float32' },
        { field: 'pm25', table: 'input', address: 2, type: 'float32' },
      ],
    });
    expect(problems({ devices: [dev] })).toEqual(['devices.0.registers.1.field: pm25 is mapped twice']);
  });

  it('refuses two settings for one serial line, and accepts devices that agree on it', () => {
    const a = device({ station: 'a', url: 'rtu:///dev/ttyUSB0?baud=9600&parity=none', unitId: 1 });
    const b = device({ station: 'b', url: 'rtu:///dev/ttyUSB0?baud=9600&parity=none', unitId: 2 });
    const c = device({ station: 'c', url: 'rtu:///dev/ttyUSB0?baud=19200', unitId: 3 });
    expect(problems({ devices: [a, b] })).toEqual([]);
    expect(problems({ devices: [a, b, c] }).join('\n')).toMatch(
      /devices\.2\.url: \/dev\/ttyUSB0 is already used/,
    );
  });
});

describe('parseModbusUrl', () => {
  it('reads tcp host and port, 502 by default, IPv6 literals without brackets', () => {
    expect(parseModbusUrl('tcp://127.0.0.1:5020')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 5020 });
    expect(parseModbusUrl('tcp://plc.local')).toEqual({ kind: 'tcp', host: 'plc.local', port: 502 });
    expect(parseModbusUrl('tcp://[::1]:1502')).toEqual({ kind: 'tcp', host: '::1', port: 1502 });
  });

  it('reads rtu options, with the serial-line spec defaults 19200 8E1', () => {
    expect(parseModbusUrl('rtu:///dev/ttyUSB0?baud=9600&parity=none&dataBits=8&stopBits=2')).toEqual({
      kind: 'rtu',
      path: '/dev/ttyUSB0',
      baudRate: 9600,
      parity: 'none',
      dataBits: 8,
      stopBits: 2,
    });
    expect(parseModbusUrl('rtu:///dev/serial/by-id/usb-FTDI-if00')).toEqual({
      kind: 'rtu',
      path: '/dev/serial/by-id/usb-FTDI-if00',
      baudRate: 19_200,
      parity: 'even',
      dataBits: 8,
      stopBits: 1,
    });
  });
});
