/**
 * The simulators' public surface: `hub sim <kind>` dispatches to `SIMULATOR_CLIS[kind]`, and `hub demo`
 * and the tests use the library API below. Registration is this explicit list (STYLE.md).
 */
import { run as camerasCli } from './cameras/cli.ts';
import type { CliOptions } from './common/cli.ts';
import { SimulatorUsageError } from './common/cli.ts';
import { run as fleetCli } from './fleet/cli.ts';
import { run as loadCli } from './load/cli.ts';
import { run as replayCli } from './replay/cli.ts';
import { run as stationsCli } from './stations/cli.ts';

export { CAMERAS } from './cameras/catalogue.ts';
export { type CamerasHandle, type CamerasOptions, camerasRegistry, startCameras } from './cameras/run.ts';
export { type CliOptions, SimulatorUsageError } from './common/cli.ts';
export type { SimulatorHandle, SimulatorStats } from './common/handle.ts';
export {
  type Boundary,
  boundaryFromGeoJson,
  boundaryToGeoJson,
  defaultOuterBoundary,
  loadBoundaryFile,
} from './fleet/boundary.ts';
export { type FleetHandle, type FleetOptions, startFleet } from './fleet/run.ts';
export { type FleetPlan, fleetRegistry, planFleet, type VesselSpec } from './fleet/vessels.ts';
export { type LoadHandle, type LoadOptions, type LoadReport, startLoad } from './load/run.ts';
export { SAMPLE_LOG } from './replay/cli.ts';
export { type ReplayHandle, type ReplayOptions, startReplay } from './replay/run.ts';
export { STATIONS } from './stations/catalogue.ts';
export { stationModbusDevices, stationRegistry, stationsConfigYaml } from './stations/config.ts';
export { type StationsHandle, type StationsOptions, startStations } from './stations/run.ts';

export const SIMULATOR_CLIS = {
  fleet: fleetCli,
  stations: stationsCli,
  cameras: camerasCli,
  load: loadCli,
  replay: replayCli,
} as const satisfies Record<string, (argv: string[], opts: CliOptions) => Promise<void>>;

export type SimulatorKind = keyof typeof SIMULATOR_CLIS;

/** `hub sim <kind> [options]`. Throws SimulatorUsageError for an unknown kind or bad flags. */
export function runSimulator(kind: string, argv: string[], opts: CliOptions): Promise<void> {
  if (!Object.hasOwn(SIMULATOR_CLIS, kind)) {
    throw new SimulatorUsageError(
      `unknown simulator "${kind}"; one of ${Object.keys(SIMULATOR_CLIS).join(', ')}`,
    );
  }
  return SIMULATOR_CLIS[kind as SimulatorKind](argv, opts);
}
