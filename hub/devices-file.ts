/**
 * The registry file named by `devices.file`: a YAML list of devices (DESIGN.md `devices`), edited by
 * `hub devices add|rotate|remove|import`. Entries in the config itself are merged in front of it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, formatIssues } from '../config/load.ts';
import { type Device, DeviceSchema } from '../ingest/registry.ts';

const DeviceListSchema = z.array(DeviceSchema);

export function readDevicesFile(path: string): Device[] {
  if (!existsSync(path)) return [];
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? [];
  } catch (err) {
    throw new ConfigError(`${path}: not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  const list = Array.isArray(raw) ? raw : (raw as { devices?: unknown }).devices;
  const result = DeviceListSchema.safeParse(list ?? []);
  if (!result.success) throw new ConfigError(`${path}: invalid devices:\n${formatIssues(result.error)}`);
  return result.data;
}

export function writeDevicesFile(path: string, devices: readonly Device[]): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, stringifyYaml(devices), { mode: 0o600 });
  renameSync(tmp, path);
}

/** Config entries first; a device id listed twice is a configuration error. */
export function mergeDevices(fromConfig: readonly Device[], fromFile: readonly Device[]): Device[] {
  const seen = new Set<string>();
  const all = [...fromConfig, ...fromFile];
  for (const device of all) {
    if (seen.has(device.id)) throw new ConfigError(`devices: device ${device.id} is listed twice`);
    seen.add(device.id);
  }
  return all;
}
