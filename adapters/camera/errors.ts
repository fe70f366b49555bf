/** Dead-letter reasons of the camera and Frigate adapters (the `reason` tag); README.md lists them. */
export type CameraRejectReason = 'bad_topic' | 'invalid_json' | 'invalid_payload' | 'implausible_time';

/** Skipped kinds: well-formed Frigate objects the hub does not store. */
export type CameraSkipKind = 'false_positive';
