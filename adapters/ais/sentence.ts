/**
 * One AIVDM/AIVDO sentence's fields, checked (IEC 61162-1 VDM/VDO):
 * `!AIVDM,<count>,<number>,<seq id>,<channel>,<payload>,<fill bits>*HH`.
 */
import type { Framed } from '../nmea/framing.ts';
import { isArmoured } from './bits.ts';

export interface VdmSentence {
  /** VDO = the own vessel's report, VDM = a report heard from another station. */
  own: boolean;
  count: number;
  number: number;
  /** Sequential message id 0..9; empty for single-sentence messages. */
  seqId: string;
  /** VHF channel: A/B (or 1/2 on some receivers), or empty. */
  channel: string;
  payload: string;
  fillBits: number;
}

export type VdmParse =
  | { ok: true; sentence: VdmSentence }
  | { ok: false; reason: 'malformed_sentence'; error: string }
  | { ok: false; reason: 'not_ais'; error: string };

const ADDRESS_RE = /^[A-Z]{2}VD[MO]$/;
const CHANNEL_RE = /^[AB12]?$/;

function malformed(error: string): VdmParse {
  return { ok: false, reason: 'malformed_sentence', error };
}

/** Checks a framed sentence (checksum already verified) as VDM/VDO. */
export function parseVdm(framed: Extract<Framed, { ok: true }>): VdmParse {
  const [address = '', countF, numberF, seqF, channelF, payloadF, fillF, ...extra] = framed.fields;
  if (framed.start !== '!' || !ADDRESS_RE.test(address)) {
    return {
      ok: false,
      reason: 'not_ais',
      error: `${framed.start}${address} is not an AIS VDM/VDO sentence`,
    };
  }
  if (fillF === undefined || extra.length > 0) {
    return malformed(`${address} has ${framed.fields.length - 1} fields, expected 6`);
  }
  const count = Number(countF);
  const number = Number(numberF);
  if (!/^[1-9]$/.test(countF ?? '') || !/^[1-9]$/.test(numberF ?? '') || number > count) {
    return malformed(`fragment "${numberF}" of "${countF}" is not 1..9 within the count`);
  }
  const seqId = seqF ?? '';
  if (!/^[0-9]?$/.test(seqId)) return malformed(`sequential message id "${seqId}" is not 0..9`);
  if (count > 1 && seqId === '') return malformed('a multi-sentence message needs a sequential message id');
  const channel = channelF ?? '';
  if (!CHANNEL_RE.test(channel)) return malformed(`channel "${channel}" is not A, B, 1 or 2`);
  const payload = payloadF ?? '';
  if (!isArmoured(payload)) {
    return malformed(payload === '' ? 'empty payload' : 'payload holds characters outside the 6-bit armour');
  }
  if (!/^[0-5]$/.test(fillF)) return malformed(`fill bits "${fillF}" not in 0..5`);
  return {
    ok: true,
    sentence: {
      own: address.endsWith('O'),
      count,
      number,
      seqId,
      channel,
      payload,
      fillBits: Number(fillF),
    },
  };
}
