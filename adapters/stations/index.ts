/** The environmental-station JSON adapter (`stations/{station}/readings`); README.md describes it. */

export { deviceTime, epochSecondsToNs, parseIsoDateTime } from '../common/device-time.ts';
export { createStationsAdapter, StationReadingSchema } from './adapter.ts';
export { type StationsConfig, StationsConfigSchema } from './config.ts';
export type { StationsRejectReason, StationsSkipKind } from './errors.ts';
export {
  type Medium,
  PHYSICAL_RANGES,
  type PhysicalRange,
  physicalRange,
  WATER_TEMP_RANGE,
} from './ranges.ts';
