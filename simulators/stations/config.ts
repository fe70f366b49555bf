/**
 * The hub config that polls the simulated stations: the `modbus.devices` list (the register maps of
 * catalogue.ts, verbatim) and the stations' registry entries (`devices.entries`), for
 * `hub sim stations --print-config` and for `hub demo`.
 */
import { stringify } from 'yaml';
import type { ModbusDeviceInput } from '../../adapters/modbus/config.ts';
import type { Device } from '../../ingest/registry.ts';
import { STATIONS, type StationDef } from './catalogue.ts';

/** Ports of `hub sim stations` without `--port`: 5020, 5021, ... in catalogue order. */
export const DEFAULT_BASE_PORT = 5020;

export interface PollConfigOptions {
  host?: string;
  /** Station id → port. */
  ports: Readonly<Record<string, number>>;
  unitId?: number;
  intervalMs?: number;
  timeoutMs?: number;
}

export function defaultPorts(stations: readonly StationDef[] = STATIONS, basePort = DEFAULT_BASE_PORT) {
  return Object.fromEntries(stations.map((s, i) => [s.id, basePort + i]));
}

export function stationModbusDevices(
  opts: PollConfigOptions,
  stations: readonly StationDef[] = STATIONS,
): ModbusDeviceInput[] {
  return stations.map((s) => {
    const port = opts.ports[s.id];
    if (port === undefined) throw new RangeError(`no port for station ${s.id}`);
    return {
      station: s.id,
      medium: s.medium,
      url: `tcp://${opts.host ?? '127.0.0.1'}:${port}`,
      unitId: opts.unitId ?? 1,
      intervalMs: opts.intervalMs ?? 10_000,
      timeoutMs: opts.timeoutMs ?? 2000,
      registers: s.registers.map((r) => ({ ...r })),
    };
  });
}

/** Registry entries (DESIGN.md `devices`): the station's medium and position, for `device_info` and maps. */
export function stationRegistry(stations: readonly StationDef[] = STATIONS): Device[] {
  return stations.map((s) => ({
    id: s.id,
    kind: 'station',
    name: s.name,
    medium: s.medium,
    lat: s.lat,
    lon: s.lon,
  }));
}

/** The YAML to paste into hub.yaml: `modbus:` and `devices:` sections. */
export function stationsConfigYaml(
  opts: PollConfigOptions,
  stations: readonly StationDef[] = STATIONS,
): string {
  return stringify({
    modbus: { devices: stationModbusDevices(opts, stations) },
    devices: { entries: stationRegistry(stations) },
  });
}

/** Gateway mode: only the registry entries (the hub polls nothing). */
export function stationsRegistryYaml(stations: readonly StationDef[] = STATIONS): string {
  return stringify({ devices: { entries: stationRegistry(stations) } });
}
