/**
 * One station as a real Modbus TCP server (modbus-serial's ServerTCP). Its register image is rebuilt
 * from the model at most once a second and served consistently: a multi-register read never mixes two
 * images, so a float32 never has halves from two moments. Addresses between mapped registers read as 0;
 * addresses outside the map answer exception 02 (illegal data address), as most devices do.
 */
import { createServer } from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { type ModbusRegister, ModbusRegisterSchema } from '../../adapters/modbus/config.ts';
import { encodeRegister } from '../../adapters/modbus/encode.ts';
import type { StationDef } from './catalogue.ts';
import type { Readings } from './model.ts';

type Table = 'holding' | 'input' | 'coil' | 'discrete';
export type RegisterImage = Record<Table, Map<number, number>>;

/** Modbus exception 02 (Modbus Application Protocol v1.1b3 §7). */
const ILLEGAL_DATA_ADDRESS = 2;
const IMAGE_TTL_MS = 1000;

export function parsedRegisters(station: StationDef): ModbusRegister[] {
  return station.registers.map((r) => ModbusRegisterSchema.parse(r));
}

/** The words the station serves for these readings; a missing reading serves the "unavailable" pattern. */
export function buildImage(registers: readonly ModbusRegister[], readings: Readings): RegisterImage {
  const image: RegisterImage = { holding: new Map(), input: new Map(), coil: new Map(), discrete: new Map() };
  for (const reg of registers) {
    const value = readings[reg.field];
    const words = encodeRegister(reg, value === undefined ? null : value);
    words.forEach((w, i) => {
      image[reg.table].set(reg.address + i, w);
    });
  }
  return image;
}

class ModbusAddressError extends Error {
  readonly modbusErrorCode = ILLEGAL_DATA_ADDRESS;
}

function readWords(table: Map<number, number>, address: number, length: number): number[] {
  const keys = [...table.keys()];
  const lo = Math.min(...keys);
  const hi = Math.max(...keys);
  if (table.size === 0 || address < lo || address + length - 1 > hi) {
    throw new ModbusAddressError(`registers ${address}..${address + length - 1} are outside the map`);
  }
  return Array.from({ length }, (_, i) => table.get(address + i) ?? 0);
}

/** A free loopback port: ServerTCP treats port 0 as "unset" and would fall back to 502. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface StationServer {
  station: StationDef;
  host: string;
  port: number;
  unitId: number;
  /** Read requests answered. */
  served(): number;
  close(): Promise<void>;
}

export interface StationServerOptions {
  host?: string;
  /** 0 = a free port. */
  port?: number;
  unitId?: number;
  /** Readings at the current moment (the caller applies its clock and speedup). */
  readings: () => Readings;
  now?: () => number;
}

export async function startStationServer(
  station: StationDef,
  opts: StationServerOptions,
): Promise<StationServer> {
  const host = opts.host ?? '127.0.0.1';
  const unitId = opts.unitId ?? 1;
  const now = opts.now ?? Date.now;
  const registers = parsedRegisters(station);
  let image: RegisterImage | undefined;
  let imageAt = 0;
  let served = 0;
  const current = (): RegisterImage => {
    const t = now();
    if (!image || t - imageAt >= IMAGE_TTL_MS) {
      image = buildImage(registers, opts.readings());
      imageAt = t;
    }
    return image;
  };
  const words = (table: Table, address: number, length: number): number[] => {
    served++;
    return readWords(current()[table], address, length);
  };
  const bit = (table: Table, address: number): boolean => {
    served++;
    return readWords(current()[table], address, 1)[0] === 1;
  };
  const vector = {
    getHoldingRegister: (addr: number) => words('holding', addr, 1)[0]!,
    getInputRegister: (addr: number) => words('input', addr, 1)[0]!,
    getMultipleHoldingRegisters: (addr: number, length: number) => words('holding', addr, length),
    getMultipleInputRegisters: (addr: number, length: number) => words('input', addr, length),
    getCoil: (addr: number) => bit('coil', addr),
    getDiscreteInput: (addr: number) => bit('discrete', addr),
  };

  for (let attempt = 0; ; attempt++) {
    const port = opts.port && opts.port > 0 ? opts.port : await freePort(host);
    try {
      const server = await listen(vector, host, port, unitId);
      return {
        station,
        host,
        port,
        unitId,
        served: () => served,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    } catch (err) {
      // Another process took the probed free port in between: probe again.
      const code = (err as NodeJS.ErrnoException).code;
      if (opts.port || code !== 'EADDRINUSE' || attempt >= 5) throw err;
    }
  }
}

function listen(vector: object, host: string, port: number, unitId: number): Promise<ServerTCP> {
  return new Promise((resolve, reject) => {
    const server = new ServerTCP(vector, { host, port, unitID: unitId });
    server.on('initialized', () => resolve(server));
    server.on('serverError', (err: Error | null) => reject(err ?? new Error('Modbus server error')));
    // A client that drops mid-request is its problem, not the simulator's.
    server.on('socketError', () => {});
    server.on('error', () => {});
  });
}
