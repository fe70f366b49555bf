/** The camera adapters: generic `cameras/{camera}/events` and Frigate's `frigate/events`; see README.md. */
export {
  type CameraEventInput,
  encodeCameraEvent,
  encodeFrigateEvent,
  type FrigateEventInput,
  type FrigateObjectInput,
  frigateEventId,
  frigateObject,
} from './encode.ts';
export type { CameraRejectReason, CameraSkipKind } from './errors.ts';
export { type CameraEventType, EVENT_TYPES, joinZones } from './event-point.ts';
export {
  createFrigateAdapter,
  type FrigateEvent,
  FrigateEventSchema,
  type FrigateObject,
  FrigateObjectSchema,
} from './frigate.ts';
export { type CameraEventPayload, CameraEventSchema, createCameraAdapter } from './generic.ts';
