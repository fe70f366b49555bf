/** Dead-letter reasons of the stations adapter (the `reason` tag); README.md lists each with an example. */
export type StationsRejectReason =
  | 'bad_topic'
  | 'invalid_json'
  | 'invalid_payload'
  | 'unknown_station'
  | 'implausible_time'
  | 'unknown_field'
  | 'out_of_range';

/** Skipped kinds: a well-formed reading with nothing to store (every value null, or `values: {}`). */
export type StationsSkipKind = 'no_values';
