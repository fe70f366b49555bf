/**
 * Reason codes of the NMEA adapter (the `reason` tag of a dead letter) and the coded error its field
 * parsers throw. The error never leaves the decoder: `decode` turns it into a `bad_field` reject.
 */

/** Dead-letter reasons, one per kind of bad input (README.md lists them with examples). */
export type NmeaRejectReason =
  | 'bad_topic'
  | 'bad_checksum'
  | 'missing_checksum'
  | 'malformed_sentence'
  | 'bad_field'
  | 'implausible_time';

/** Skipped kinds: well-formed input that carries no position the hub stores. */
export type NmeaSkipKind = 'no_fix' | 'unused' | 'vtg_no_epoch' | 'ais';

/** A field that cannot be parsed or is out of range, or a sentence with too few fields. */
export class NmeaFieldError extends Error {
  readonly code = 'HUB_ERR_NMEA_FIELD';
  override readonly name = 'NmeaFieldError';
}
