/**
 * The explicit list of message adapters (no directory scan): one per data topic family of DESIGN.md.
 * AIS sentences inside `vessels/{vessel}/nmea` go to the same AIS decoder as `ais/{receiver}`.
 */
import type { DataSource } from '../broker/topics.ts';
import { createAisAdapter } from './ais/index.ts';
import { createCameraAdapter, createFrigateAdapter } from './camera/index.ts';
import { createNmeaAdapter } from './nmea/index.ts';
import { createStationsAdapter } from './stations/index.ts';
import type { AdapterContext, MessageAdapter } from './types.ts';
import { createVmsAdapter } from './vms/index.ts';

export interface AdapterSet {
  bySource: Record<DataSource, MessageAdapter>;
  /** Orphan AIS fragments past their timeout, to dead-letter (called on a timer). */
  expireAisFragments(nowMs: number): ReturnType<ReturnType<typeof createAisAdapter>['expireFragments']>;
}

export function createAdapters(
  ctx: AdapterContext,
  opts: { stationFieldAliases?: Record<string, string> } = {},
): AdapterSet {
  const ais = createAisAdapter(ctx);
  return {
    bySource: {
      nmea: createNmeaAdapter(ctx, { ais }),
      ais,
      vms: createVmsAdapter(ctx),
      stations: createStationsAdapter(ctx, { fieldAliases: opts.stationFieldAliases ?? {} }),
      camera: createCameraAdapter(ctx),
      frigate: createFrigateAdapter(ctx),
    },
    expireAisFragments: (nowMs) => ais.expireFragments(nowMs),
  };
}
