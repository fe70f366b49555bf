/**
 * Who is in the simulated fleet: registration numbers, MMSIs, lengths, home ports, which links each
 * vessel reports on, and which vessels play the scenarios. Pure and seeded: the same options give the
 * same fleet, so the hub's registry (`fleetRegistry`) and the running simulator always agree.
 */
import { createHash } from 'node:crypto';
import type { Device } from '../../ingest/registry.ts';
import { Random } from '../common/random.ts';
import { HOME_PORTS, type HomePort, type LengthClass, lengthClass } from './geography.ts';

export const SCENARIOS = ['silent', 'drift', 'midshore-violation', 'sos'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface VesselSpec {
  /** Registration number, e.g. `TTH-90123-TS` (DOMAIN.md). */
  id: string;
  /** Vietnam's MID is 574 (ITU). */
  mmsi: number;
  name: string;
  callsign: string;
  lengthM: number;
  lengthClass: LengthClass;
  homePort: HomePort;
  /** Steaming speed, kn (7–10). */
  cruiseKn: number;
  /** NMEA over the vessel's own connection, VMS JSON, AIS heard by the shore receiver. */
  channels: { nmea: boolean; vms: boolean; ais: boolean };
  /** VMS terminal id, when the vessel carries one. */
  terminal?: string;
  /** AIS class: A (types 1 and 5) for ≥ 15 m, B (types 18 and 24) below. */
  aisClass: 'A' | 'B';
  scenario?: Scenario;
}

export interface FleetPlan {
  vessels?: number;
  seed?: number | string;
  /** How many vessels play each scenario (distinct vessels, the first ones of the list). */
  silent?: number;
  drift?: number;
  midshoreViolation?: number;
  sos?: number;
  /** Share of < 15 m vessels that also carry a VMS terminal (≥ 15 m always do: Law on Fisheries 2017). */
  vmsShare?: number;
  /** Share of vessels with an AIS transponder. */
  aisShare?: number;
  /** The shore receiver's id (`ais/{receiver}`). */
  receiverId?: string;
}

export const FLEET_DEFAULTS = {
  vessels: 20,
  seed: 1,
  vmsShare: 0.3,
  aisShare: 0.4,
  receiverId: 'ais-thuan-an',
} as const;

/** The AIS shore receiver sits at Thuan An. */
export const RECEIVER_POSITION = { lat: 16.565, lon: 107.632 };

const CALLSIGN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function scenarioList(plan: FleetPlan): Scenario[] {
  return [
    ...Array<Scenario>(plan.silent ?? 0).fill('silent'),
    ...Array<Scenario>(plan.drift ?? 0).fill('drift'),
    ...Array<Scenario>(plan.midshoreViolation ?? 0).fill('midshore-violation'),
    ...Array<Scenario>(plan.sos ?? 0).fill('sos'),
  ];
}

export function planFleet(plan: FleetPlan = {}): VesselSpec[] {
  const count = plan.vessels ?? FLEET_DEFAULTS.vessels;
  const scenarios = scenarioList(plan);
  if (scenarios.length > count) {
    throw new RangeError(`${scenarios.length} scenario vessels requested but the fleet has ${count} vessels`);
  }
  const rng = new Random(plan.seed ?? FLEET_DEFAULTS.seed).fork('fleet');
  const usedNumbers = new Set<number>();
  const usedMmsi = new Set<number>();
  const specs: VesselSpec[] = [];
  for (let i = 0; i < count; i++) {
    const scenario = scenarios[i];
    let number: number;
    do number = rng.int(90_000, 99_999);
    while (usedNumbers.has(number));
    usedNumbers.add(number);
    let mmsi: number;
    do mmsi = 574_000_000 + rng.int(100_000, 999_999);
    while (usedMmsi.has(mmsi));
    usedMmsi.add(mmsi);
    // Scenarios about VMS and zones concern the ≥ 15 m vessels that must carry VMS.
    const [minM, maxM] =
      scenario && scenario !== 'sos'
        ? [15, 26]
        : rng.weighted<readonly [number, number]>([
            [[6, 11.9], 0.4],
            [[12, 14.9], 0.3],
            [[15, 26], 0.3],
          ]);
    const lengthM = round1(rng.range(minM, maxM));
    const cls = lengthClass(lengthM);
    const homePort = rng.weighted<HomePort>([
      ['thuan-an', 0.5],
      ['tu-hien', 0.25],
      ['chan-may', 0.25],
    ]);
    const vms =
      cls === 'offshore' || scenario !== undefined || rng.chance(plan.vmsShare ?? FLEET_DEFAULTS.vmsShare);
    const ais = rng.chance(plan.aisShare ?? FLEET_DEFAULTS.aisShare);
    const callsign = `3W${Array.from({ length: 4 }, () => rng.pick([...CALLSIGN_CHARS])).join('')}`;
    specs.push({
      id: `TTH-${number}-TS`,
      mmsi,
      name: `TTH ${number} TS`,
      callsign,
      lengthM,
      lengthClass: cls,
      homePort,
      cruiseKn: round1(rng.range(7, 10)),
      channels: { nmea: true, vms, ais },
      ...(vms ? { terminal: `VMS-${String(rng.int(100_000, 999_999))}` } : {}),
      aisClass: cls === 'offshore' ? 'A' : 'B',
      ...(scenario ? { scenario } : {}),
    });
  }
  return specs;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * The registry entries (DESIGN.md `devices`) for the simulated fleet and its AIS shore receiver, so the
 * hub knows the MMSIs, lengths and home ports. With `secrets` (device id → password) each entry carries
 * the secret's SHA-256, as the registry stores it.
 */
export function fleetRegistry(plan: FleetPlan & { secrets?: Record<string, string> } = {}): Device[] {
  const withSecret = (id: string): { secretHash?: string } => {
    const secret = plan.secrets?.[id];
    return secret !== undefined ? { secretHash: secretHash(secret) } : {};
  };
  const receiverId = plan.receiverId ?? FLEET_DEFAULTS.receiverId;
  const vessels: Device[] = planFleet(plan).map((v) => ({
    id: v.id,
    kind: 'vessel',
    name: v.name,
    mmsi: v.mmsi,
    lengthM: v.lengthM,
    homePort: HOME_PORTS[v.homePort].name,
    ...(v.terminal ? { terminals: [v.terminal] } : {}),
    ...withSecret(v.id),
  }));
  const receiver: Device = {
    id: receiverId,
    kind: 'gateway',
    name: 'AIS shore receiver, Thuan An',
    lat: RECEIVER_POSITION.lat,
    lon: RECEIVER_POSITION.lon,
    publish: [`ais/${receiverId}`],
    ...withSecret(receiverId),
  };
  return [...vessels, receiver];
}
