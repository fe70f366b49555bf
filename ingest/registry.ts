/**
 * The device registry (DESIGN.md `devices`): who may connect, what each device is, and the facts the
 * adapters need (MMSI → vessel id, a station's medium). Loaded from the config or the file it names.
 */
import { z } from 'zod';

export const DEVICE_KINDS = ['vessel', 'station', 'camera', 'gateway', 'operator'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const DeviceSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9:_.-]+$/, 'ids use letters, digits and : _ . -'),
    kind: z.enum(DEVICE_KINDS),
    name: z.string().optional(),
    /** SHA-256 (hex) of the device's secret; the secret itself is never stored. */
    secretHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    // vessels
    mmsi: z.number().int().min(0).max(999_999_999).optional(),
    lengthM: z.number().positive().optional(),
    homePort: z.string().optional(),
    terminals: z.array(z.string()).optional(),
    // stations and cameras
    medium: z.enum(['air', 'water']).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    // extra topic filters beyond the kind's own (gateways: `frigate/#`, `ais/{id}`)
    publish: z.array(z.string()).optional(),
    subscribe: z.array(z.string()).optional(),
  })
  .strict();

export type Device = z.infer<typeof DeviceSchema>;

export class Registry {
  readonly #byId = new Map<string, Device>();
  readonly #vesselByMmsi = new Map<number, string>();

  constructor(devices: readonly Device[] = []) {
    this.replace(devices);
  }

  replace(devices: readonly Device[]): void {
    this.#byId.clear();
    this.#vesselByMmsi.clear();
    for (const device of devices) {
      this.#byId.set(device.id, device);
      if (device.kind === 'vessel' && device.mmsi !== undefined)
        this.#vesselByMmsi.set(device.mmsi, device.id);
    }
  }

  get(id: string): Device | undefined {
    return this.#byId.get(id);
  }

  all(): Device[] {
    return [...this.#byId.values()];
  }

  /** Vessel id for an MMSI: the registry's, else `mmsi:{n}` (DESIGN.md `ais/{receiver}`). */
  vesselForMmsi(mmsi: number): string {
    return this.#vesselByMmsi.get(mmsi) ?? `mmsi:${mmsi}`;
  }

  stationMedium(station: string): 'air' | 'water' | undefined {
    return this.#byId.get(station)?.medium;
  }
}
