/**
 * The simulated traffic and urban cameras around Hue (DOMAIN.md "Places around Hue", approx.), what
 * each one sees and how busy it is. `nvr: true` cameras sit behind the Frigate NVR (`frigate/events`),
 * the others publish the generic format themselves (`cameras/{id}/events`).
 */

export const LABELS = ['car', 'motorcycle', 'person', 'bicycle', 'bus', 'truck'] as const;
export type Label = (typeof LABELS)[number];

export interface CameraDef {
  id: string;
  name: string;
  lat: number;
  lon: number;
  /** Objects per minute at a daytime off-peak hour. */
  baseRatePerMin: number;
  /** Share of each label among the objects seen (sums to 1). */
  mix: Readonly<Partial<Record<Label, number>>>;
  zones: readonly string[];
  nvr: boolean;
}

export const CAMERAS: readonly CameraDef[] = [
  {
    id: 'truong-tien-bridge',
    name: 'Truong Tien bridge',
    lat: 16.47,
    lon: 107.588,
    baseRatePerMin: 5,
    mix: { motorcycle: 0.55, car: 0.25, bicycle: 0.08, person: 0.06, bus: 0.03, truck: 0.03 },
    zones: ['bridge-north', 'bridge-south'],
    nvr: false,
  },
  {
    id: 'dong-ba-market',
    name: 'Dong Ba market',
    lat: 16.474,
    lon: 107.589,
    baseRatePerMin: 5,
    mix: { person: 0.4, motorcycle: 0.35, bicycle: 0.1, car: 0.1, truck: 0.05 },
    zones: ['market-gate', 'tran-hung-dao'],
    nvr: true,
  },
  {
    id: 'ngo-mon-gate',
    name: 'Citadel, Ngo Mon gate',
    lat: 16.468,
    lon: 107.579,
    baseRatePerMin: 3,
    mix: { person: 0.5, motorcycle: 0.2, car: 0.15, bus: 0.1, bicycle: 0.05 },
    zones: ['gate', 'flag-tower-square'],
    nvr: true,
  },
  {
    id: 'thuong-tu-gate',
    name: 'Citadel, Thuong Tu gate',
    lat: 16.4697,
    lon: 107.5857,
    baseRatePerMin: 4,
    mix: { motorcycle: 0.55, car: 0.23, bicycle: 0.1, person: 0.08, truck: 0.04 },
    zones: ['gate'],
    nvr: false,
  },
  {
    id: 'phu-xuan-bridge',
    name: 'Phu Xuan bridge',
    lat: 16.4633,
    lon: 107.5828,
    baseRatePerMin: 4,
    mix: { motorcycle: 0.55, car: 0.28, truck: 0.08, bus: 0.05, bicycle: 0.04 },
    zones: ['bridge'],
    nvr: true,
  },
];

export function cameraById(id: string): CameraDef {
  const c = CAMERAS.find((x) => x.id === id);
  if (!c) throw new RangeError(`unknown camera ${id}; one of ${CAMERAS.map((x) => x.id).join(', ')}`);
  return c;
}
