/**
 * `hub devices <add|rotate|remove|list|import>`: edits the registry file named by `devices.file`
 * (or `--file`). A secret is printed once, at creation or rotation; only its SHA-256 is stored.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hashSecret, newSecret } from '../broker/auth.ts';
import { loadConfig, resolveFrom } from '../config/load.ts';
import { DEVICE_KINDS, type Device, DeviceSchema } from '../ingest/registry.ts';
import { readDevicesFile, writeDevicesFile } from './devices-file.ts';

const USAGE = `usage:
  hub devices add <id> --kind <${DEVICE_KINDS.join('|')}> [--name N] [--mmsi N] [--length-m M] [--home-port P]
                  [--medium air|water] [--lat D] [--lon D] [--publish FILTER]... [--subscribe FILTER]...
  hub devices rotate <id>          new secret (printed once), the old one stops working
  hub devices remove <id>
  hub devices list
  hub devices import <file.csv>    columns: id,kind,name,mmsi,length_m,home_port,medium,lat,lon
common: --config hub.yaml | --file devices.yaml`;

function devicesPath(values: { config?: string; file?: string }): string {
  if (values.file) return values.file;
  const { config, baseDir } = loadConfig(values.config);
  if (!config.devices.file)
    throw new Error('no registry file: set devices.file in the config or pass --file');
  return resolveFrom(baseDir, config.devices.file);
}

function num(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${name}: not a number: ${value}`);
  return n;
}

function parseDevice(raw: Record<string, unknown>): Device {
  const clean = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const result = DeviceSchema.safeParse(clean);
  if (!result.success) {
    throw new Error(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return result.data;
}

/** Minimal CSV: comma-separated, optional double quotes around a value, first line the header. */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((line) =>
      [...line.matchAll(/("([^"]*(?:""[^"]*)*)"|[^,]*)(,|$)/g)].map((m) =>
        (m[2] ?? m[1] ?? '').replace(/""/g, '"').trim(),
      ),
    );
  const [header, ...body] = rows;
  if (!header) return [];
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

export async function devicesCommand(
  argv: string[],
  out: (line: string) => void = console.log,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      file: { type: 'string' },
      kind: { type: 'string' },
      name: { type: 'string' },
      mmsi: { type: 'string' },
      'length-m': { type: 'string' },
      'home-port': { type: 'string' },
      medium: { type: 'string' },
      lat: { type: 'string' },
      lon: { type: 'string' },
      publish: { type: 'string', multiple: true },
      subscribe: { type: 'string', multiple: true },
    },
  });
  const [action, target] = positionals;
  if (!action) throw new Error(USAGE);
  const path = devicesPath(values);
  const devices = readDevicesFile(path);
  const index = devices.findIndex((d) => d.id === target);

  switch (action) {
    case 'add': {
      if (!target) throw new Error(USAGE);
      if (index >= 0) throw new Error(`device ${target} exists; use rotate for a new secret`);
      const secret = newSecret();
      const device = parseDevice({
        id: target,
        kind: values.kind,
        name: values.name,
        mmsi: num(values.mmsi, 'mmsi'),
        lengthM: num(values['length-m'], 'length-m'),
        homePort: values['home-port'],
        medium: values.medium,
        lat: num(values.lat, 'lat'),
        lon: num(values.lon, 'lon'),
        publish: values.publish,
        subscribe: values.subscribe,
        secretHash: hashSecret(secret),
      });
      writeDevicesFile(path, [...devices, device]);
      out(`added ${device.kind} ${device.id}; its secret (shown once, store it on the device):\n${secret}`);
      return;
    }
    case 'rotate': {
      const device = devices[index];
      if (!target || !device) throw new Error(`no device ${target ?? ''}`);
      const secret = newSecret();
      devices[index] = { ...device, secretHash: hashSecret(secret) };
      writeDevicesFile(path, devices);
      out(`rotated ${target}; new secret (shown once):\n${secret}`);
      return;
    }
    case 'remove': {
      if (!target || index < 0) throw new Error(`no device ${target ?? ''}`);
      devices.splice(index, 1);
      writeDevicesFile(path, devices);
      out(`removed ${target}`);
      return;
    }
    case 'list': {
      for (const d of devices) {
        const extra = [d.mmsi && `mmsi=${d.mmsi}`, d.lengthM && `length=${d.lengthM}m`, d.homePort, d.medium]
          .filter(Boolean)
          .join(' ');
        out(`${d.id}\t${d.kind}\t${d.name ?? ''}\t${extra}\t${d.secretHash ? 'secret set' : 'NO SECRET'}`);
      }
      return;
    }
    case 'import': {
      if (!target) throw new Error(USAGE);
      const rows = parseCsv(readFileSync(target, 'utf8'));
      const known = new Set(devices.map((d) => d.id));
      const added: Array<[string, string]> = [];
      rows.forEach((row, i) => {
        if (!row.id || known.has(row.id)) return;
        const secret = newSecret();
        try {
          devices.push(
            parseDevice({
              id: row.id,
              kind: row.kind,
              name: row.name,
              mmsi: num(row.mmsi, 'mmsi'),
              lengthM: num(row.length_m, 'length_m'),
              homePort: row.home_port,
              medium: row.medium,
              lat: num(row.lat, 'lat'),
              lon: num(row.lon, 'lon'),
              secretHash: hashSecret(secret),
            }),
          );
        } catch (err) {
          throw new Error(`${target} line ${i + 2}: ${(err as Error).message}`);
        }
        known.add(row.id);
        added.push([row.id, secret]);
      });
      writeDevicesFile(path, devices);
      out('id,secret');
      for (const [id, secret] of added) out(`${id},${secret}`);
      return;
    }
    default:
      throw new Error(USAGE);
  }
}
