/**
 * The station simulator: values in physical ranges through a day, the daily cycles and the pollution
 * episode; then the real Modbus TCP servers, read by a plain modbus-serial client and by the hub's own
 * poller configured with the printed config, serve what the register maps say.
 */
import ModbusSerial from 'modbus-serial';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  ModbusConfigSchema,
  type ModbusRegister,
  ModbusRegisterSchema,
} from '../../adapters/modbus/config.ts';
import { decodeRegister } from '../../adapters/modbus/decode.ts';
import { createModbusPoller } from '../../adapters/modbus/poller.ts';
import type { Point } from '../../ingest/point.ts';
import { Registry } from '../../ingest/registry.ts';
import { STATIONS, stationById } from '../../simulators/stations/catalogue.ts';
import { type Episode, PHYSICAL_RANGES, stationReadings } from '../../simulators/stations/model.ts';
import { resolveEpisode, type StationsHandle, startStations } from '../../simulators/stations/run.ts';

// modbus-serial is CommonJS: its default import is module.exports, whose `default` is the client class.
const ModbusRTU = ModbusSerial.default;

/** 2025-06-01 00:00 in Hue (UTC+7). */
const MIDNIGHT_LOCAL = Date.UTC(2025, 4, 31, 17, 0);
const HOUR = 3_600_000;
const at = (localHour: number) => MIDNIGHT_LOCAL + localHour * HOUR;

function expectInRanges(values: Record<string, number>): void {
  for (const [field, value] of Object.entries(values)) {
    const [lo, hi] = PHYSICAL_RANGES[field]!;
    expect(value, field).toBeGreaterThanOrEqual(lo);
    expect(value, field).toBeLessThanOrEqual(hi);
  }
}

/** How far a served value may be from the model's: half the register's resolution. */
function tolerance(reg: ModbusRegister, value: number): number {
  if (reg.type === 'float32') return Math.abs(value) * 1e-6 + 1e-9;
  if (reg.type === 'float64') return 1e-12;
  return (reg.scale ?? 1) / 2 + 1e-9;
}

describe('station model', () => {
  it('stays within physical ranges every 5 minutes of a day, with and without an episode', () => {
    const episode = resolveEpisode({ startAfterMs: 6 * HOUR, durationMs: 6 * HOUR }, MIDNIGHT_LOCAL, 1);
    for (const s of STATIONS) {
      for (let m = 0; m < 24 * 60; m += 5) {
        const plain = stationReadings(s, at(m / 60));
        expect(Object.keys(plain).sort()).toEqual(s.registers.map((r) => r.field).sort());
        expectInRanges(plain);
        expectInRanges(stationReadings(s, at(m / 60), episode));
      }
    }
  });

  it('follows the daily cycles: rush-hour traffic pollution, afternoon heat and ozone, lower afternoon DO', () => {
    for (const s of STATIONS.filter((x) => x.medium === 'air')) {
      const night = stationReadings(s, at(3));
      const rush = stationReadings(s, at(7.5));
      const evening = stationReadings(s, at(17.5));
      const afternoon = stationReadings(s, at(14.5));
      expect(rush.pm25!).toBeGreaterThan(night.pm25!);
      expect(evening.pm25!).toBeGreaterThan(night.pm25!);
      expect(afternoon.temp_c!).toBeGreaterThan(night.temp_c!);
      expect(afternoon.humidity_pct!).toBeLessThan(night.humidity_pct!);
      if (night.no2 !== undefined) expect(rush.no2!).toBeGreaterThan(night.no2);
      if (night.o3 !== undefined) expect(stationReadings(s, at(13)).o3!).toBeGreaterThan(night.o3);
    }
    for (const s of STATIONS.filter((x) => x.medium === 'water')) {
      expect(stationReadings(s, at(15)).do_mgl!).toBeLessThan(stationReadings(s, at(4)).do_mgl!);
      expect(stationReadings(s, at(15)).temp_c!).toBeGreaterThan(stationReadings(s, at(4)).temp_c!);
    }
  });

  it('raises PM2.5 to 150–250 µg/m³ and NH4+ above 1.5 mg/L at the height of an episode, and only then', () => {
    for (const seed of [1, 2, 3, 4]) {
      const episode: Episode = resolveEpisode(true, MIDNIGHT_LOCAL, seed)!;
      expect(episode.peakPm25).toBeGreaterThanOrEqual(150);
      expect(episode.peakPm25).toBeLessThanOrEqual(250);
      const plateau = episode.startMs + episode.durationMs * 0.4;
      const before = episode.startMs - 60_000;
      const air = stationById('hue-centre-air');
      const water = stationById('huong-truong-tien');
      expect(stationReadings(air, plateau, episode).pm25).toBeCloseTo(episode.peakPm25!, 6);
      expect(stationReadings(water, plateau, episode).nh4_mgl!).toBeGreaterThanOrEqual(1.5);
      expect(stationReadings(air, before, episode)).toEqual(stationReadings(air, before));
      expect(stationReadings(water, before, episode).nh4_mgl!).toBeLessThan(0.3); // QCVN 08:2023 health limit
    }
  });

  it('limits an episode to the stations it names', () => {
    const episode = resolveEpisode({ stations: ['dong-ba-air'], startAfterMs: 0 }, MIDNIGHT_LOCAL, 1)!;
    const plateau = episode.startMs + episode.durationMs * 0.4;
    expect(stationReadings(stationById('dong-ba-air'), plateau, episode).pm25).toBeGreaterThan(140);
    expect(stationReadings(stationById('thuan-an-air'), plateau, episode).pm25).toBeLessThan(60);
  });
});

describe('Modbus TCP stations', () => {
  const NOW = at(8);
  let handle: StationsHandle;

  beforeAll(async () => {
    handle = await startStations({ basePort: 0, now: () => NOW, episode: { startAfterMs: -HOUR } });
  });
  afterAll(async () => {
    await handle.stop();
  });

  it('binds every station on its own free loopback port', () => {
    expect(handle.stations.map((s) => s.id)).toEqual(STATIONS.map((s) => s.id));
    const ports = handle.stations.map((s) => s.port);
    for (const p of ports) expect(p).toBeGreaterThan(0);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('serves, to a plain modbus-serial client, the words of the register map for the model values', async () => {
    const expected = handle.readings();
    for (const station of handle.stations) {
      const client = new ModbusRTU();
      await client.connectTCP(station.host!, { port: station.port! });
      client.setID(1);
      client.setTimeout(2000);
      try {
        for (const input of stationById(station.id).registers) {
          const reg = ModbusRegisterSchema.parse(input);
          const width =
            reg.type === 'float64' ? 4 : ['int32', 'uint32', 'float32'].includes(reg.type!) ? 2 : 1;
          const read = reg.table === 'holding' ? client.readHoldingRegisters : client.readInputRegisters;
          const { data } = await read.call(client, reg.address, width);
          const value = decodeRegister(reg, data);
          const want = expected[station.id]![reg.field]!;
          expect(value, `${station.id} ${reg.field}`).not.toBeNull();
          expect(Math.abs(value! - want), `${station.id} ${reg.field}`).toBeLessThanOrEqual(
            tolerance(reg, want),
          );
        }
        // Outside the map: Modbus exception 02, illegal data address.
        await expect(client.readInputRegisters(1000, 2)).rejects.toThrow(/exception 2|Illegal data address/i);
      } finally {
        await new Promise<void>((resolve) => client.close(() => resolve()));
      }
    }
  });

  it('is polled by the hub’s own Modbus poller from the config it prints', async () => {
    const yaml = parseYaml(handle.printConfig({ intervalMs: 50 })) as { modbus: unknown; devices: unknown };
    const config = ModbusConfigSchema.parse(yaml.modbus);
    expect(config.devices).toHaveLength(STATIONS.length);
    const points: Point[] = [];
    const poller = createModbusPoller(config, {
      log: pino({ level: 'silent' }),
      registry: new Registry(),
      emit: (p) => points.push(...p),
      now: () => NOW,
    });
    await poller.start();
    try {
      await expect
        .poll(() => new Set(points.map((p) => p.tags.station)).size, { timeout: 10_000 })
        .toBe(STATIONS.length);
    } finally {
      await poller.stop();
    }
    const expected = handle.readings();
    for (const s of STATIONS) {
      const p = points.find((x) => x.tags.station === s.id)!;
      expect(p.measurement).toBe('environment');
      expect(p.tags.medium).toBe(s.medium);
      expect(Object.keys(p.fields).sort()).toEqual(s.registers.map((r) => r.field).sort());
      for (const input of s.registers) {
        const reg = ModbusRegisterSchema.parse(input);
        const want = expected[s.id]![reg.field]!;
        expect(Math.abs((p.fields[reg.field] as number) - want)).toBeLessThanOrEqual(tolerance(reg, want));
      }
      expectInRanges(p.fields as Record<string, number>);
    }
    // The episode started an hour ago: PM2.5 well above its usual level at the air stations.
    expect(points.find((x) => x.tags.station === 'hue-centre-air')!.fields.pm25).toBeGreaterThan(100);
  });
});
