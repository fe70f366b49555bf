/**
 * The simulated environmental stations around Hue and the register map each one serves. The maps mix
 * tables, types, scales and byte orders on purpose, as real sensor vendors do (DOMAIN.md "Modbus"), and
 * are written in the hub's `modbus.devices[].registers` format, so the map a station serves is exactly
 * the config that polls it. Positions: DOMAIN.md "Places around Hue" (approx.).
 */
import type { ModbusRegisterInput } from '../../adapters/modbus/config.ts';

export interface StationDef {
  id: string;
  name: string;
  medium: 'air' | 'water';
  lat: number;
  lon: number;
  /** Baseline level of the site, scales its pollutants (1 = a typical urban site). */
  load: number;
  registers: readonly ModbusRegisterInput[];
}

export const STATIONS: readonly StationDef[] = [
  {
    id: 'hue-centre-air',
    name: 'Hue city centre (air)',
    medium: 'air',
    lat: 16.463,
    lon: 107.59,
    load: 1,
    // Vendor A: IEEE float32, word-swapped (CDAB), in input registers; climate as scaled holding registers.
    registers: [
      { field: 'pm25', table: 'input', address: 0, type: 'float32', byteOrder: 'CDAB' },
      { field: 'pm10', table: 'input', address: 2, type: 'float32', byteOrder: 'CDAB' },
      { field: 'no2', table: 'input', address: 4, type: 'float32', byteOrder: 'CDAB' },
      { field: 'o3', table: 'input', address: 6, type: 'float32', byteOrder: 'CDAB' },
      { field: 'co', table: 'input', address: 8, type: 'float32', byteOrder: 'CDAB' },
      { field: 'so2', table: 'input', address: 10, type: 'float32', byteOrder: 'CDAB' },
      { field: 'temp_c', table: 'holding', address: 100, type: 'int16', scale: 0.1 },
      { field: 'humidity_pct', table: 'holding', address: 101, type: 'uint16', scale: 0.01 },
    ],
  },
  {
    id: 'dong-ba-air',
    name: 'Dong Ba market (air)',
    medium: 'air',
    lat: 16.474,
    lon: 107.589,
    load: 1.25,
    // Vendor B: scaled integers in holding registers, CO as a 32-bit integer, word-swapped.
    registers: [
      { field: 'pm25', table: 'holding', address: 0, type: 'uint16', scale: 0.1 },
      { field: 'pm10', table: 'holding', address: 1, type: 'uint16', scale: 0.1 },
      { field: 'no2', table: 'holding', address: 2, type: 'uint16', scale: 0.1 },
      { field: 'co', table: 'holding', address: 3, type: 'uint32', byteOrder: 'CDAB', scale: 0.1 },
      { field: 'temp_c', table: 'holding', address: 5, type: 'int16', scale: 0.1 },
      { field: 'humidity_pct', table: 'holding', address: 6, type: 'uint16', scale: 0.01 },
    ],
  },
  {
    id: 'thuan-an-air',
    name: 'Thuan An (air)',
    medium: 'air',
    lat: 16.558,
    lon: 107.64,
    load: 0.7,
    // Vendor C: float32 in several byte orders, climate in input registers.
    registers: [
      { field: 'pm25', table: 'holding', address: 0, type: 'float32', byteOrder: 'ABCD' },
      { field: 'pm10', table: 'holding', address: 2, type: 'float32', byteOrder: 'ABCD' },
      { field: 'o3', table: 'holding', address: 4, type: 'float32', byteOrder: 'DCBA' },
      { field: 'so2', table: 'holding', address: 6, type: 'float32', byteOrder: 'BADC' },
      { field: 'temp_c', table: 'input', address: 0, type: 'int16', scale: 0.1 },
      { field: 'humidity_pct', table: 'input', address: 1, type: 'uint16', scale: 0.01 },
    ],
  },
  {
    id: 'huong-truong-tien',
    name: 'Huong river at Truong Tien bridge (water)',
    medium: 'water',
    lat: 16.47,
    lon: 107.588,
    load: 1,
    // Multi-parameter sonde behind a logger: input registers, scaled integers and float32.
    registers: [
      { field: 'temp_c', table: 'input', address: 0, type: 'int16', scale: 0.1 },
      { field: 'ph', table: 'input', address: 1, type: 'uint16', scale: 0.01 },
      { field: 'do_mgl', table: 'input', address: 2, type: 'float32', byteOrder: 'ABCD' },
      { field: 'cod_mgl', table: 'input', address: 4, type: 'float32', byteOrder: 'CDAB' },
      { field: 'bod5_mgl', table: 'input', address: 6, type: 'float32', byteOrder: 'CDAB' },
      { field: 'tss_mgl', table: 'input', address: 8, type: 'uint16', scale: 0.1 },
      { field: 'nh4_mgl', table: 'input', address: 9, type: 'uint16', scale: 0.001 },
      { field: 'turbidity_ntu', table: 'input', address: 10, type: 'float32', byteOrder: 'BADC' },
    ],
  },
  {
    id: 'tam-giang-lagoon',
    name: 'Tam Giang lagoon (water)',
    medium: 'water',
    lat: 16.6,
    lon: 107.52,
    load: 1.2,
    // A PLC-based buoy: holding registers, little-endian floats and a 64-bit double.
    registers: [
      { field: 'temp_c', table: 'holding', address: 0, type: 'int16', scale: 0.1 },
      { field: 'ph', table: 'holding', address: 1, type: 'uint16', scale: 0.01 },
      { field: 'do_mgl', table: 'holding', address: 2, type: 'float32', byteOrder: 'DCBA' },
      { field: 'nh4_mgl', table: 'holding', address: 4, type: 'float32', byteOrder: 'ABCD' },
      { field: 'turbidity_ntu', table: 'holding', address: 6, type: 'uint16', scale: 0.1 },
      { field: 'tss_mgl', table: 'holding', address: 7, type: 'uint32', byteOrder: 'ABCD', scale: 0.01 },
      { field: 'cod_mgl', table: 'holding', address: 9, type: 'float64', byteOrder: 'GHEFCDAB' },
    ],
  },
];

export function stationById(id: string): StationDef {
  const s = STATIONS.find((x) => x.id === id);
  if (!s) throw new RangeError(`unknown station ${id}; one of ${STATIONS.map((x) => x.id).join(', ')}`);
  return s;
}
