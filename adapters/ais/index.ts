/**
 * The AIS adapter: `ais/{receiver}` payloads (AIVDM/AIVDO lines heard by a shore receiver), and single
 * AIS sentences handed over by the NMEA adapter from `vessels/{vessel}/nmea`.
 * Class A (1/2/3) and Class B (18) positions → `vessel_position`; static data (5, 24) → `vessel_static`;
 * every other message type is counted as skipped (`ais_type_<n>`), never an error.
 */
import { frame, splitLines } from '../nmea/framing.ts';
import type { AdapterContext, DecodeResult, InboundMessage, MessageAdapter } from '../types.ts';
import { countSkip, emptyResult } from '../types.ts';
import { unarmour } from './bits.ts';
import { FragmentAssembler, type FragmentReject, type StreamId } from './fragments.ts';
import { type AisMessage, decodeMessage } from './messages.ts';
import { positionPoint, staticPoint } from './points.ts';
import { parseVdm } from './sentence.ts';

export type { FragmentReject } from './fragments.ts';

export const AIS_DEFAULTS = {
  /** A multi-sentence message still incomplete after this long is an orphan (ms). */
  fragmentTimeoutMs: 10_000,
  /** Messages awaiting fragments at once, over all receivers (memory bound). */
  maxPendingMessages: 4096,
} as const;

export interface AisAdapterOptions {
  fragmentTimeoutMs?: number;
  maxPendingMessages?: number;
}

export interface AisAdapter extends MessageAdapter {
  /** One `!AIVDM`/`!AIVDO` line of `message` (also called by the NMEA adapter). */
  decodeSentence(line: string, message: InboundMessage, out: DecodeResult): void;
  /**
   * Orphan fragments older than the timeout, as `ais_orphan_fragment` rejects carrying the client and
   * topic they came from (the hub calls this on a timer and dead-letters them to that client).
   */
  expireFragments(nowMs: number): FragmentReject[];
}

const VESSEL_TOPIC_RE = /^vessels\/([^/]+)\//;

export function createAisAdapter(ctx: AdapterContext, opts: AisAdapterOptions = {}): AisAdapter {
  const assembler = new FragmentAssembler(
    opts.fragmentTimeoutMs ?? AIS_DEFAULTS.fragmentTimeoutMs,
    opts.maxPendingMessages ?? AIS_DEFAULTS.maxPendingMessages,
  );

  // DESIGN.md `ais/{receiver}`: the registry's vessel for the MMSI, else `mmsi:{n}`. A VDO sentence is the
  // own ship's report, so on `vessels/{vessel}/nmea` an MMSI the registry does not know is that vessel.
  function vesselFor(mmsi: number, own: boolean, topic: string): string {
    const id = ctx.registry.vesselForMmsi(mmsi);
    if (!own || id !== `mmsi:${mmsi}`) return id;
    return VESSEL_TOPIC_RE.exec(topic)?.[1] ?? id;
  }

  function record(msg: AisMessage, own: boolean, message: InboundMessage, out: DecodeResult): void {
    if (msg.kind === 'other') {
      countSkip(out, `ais_type_${msg.type}`);
      return;
    }
    const vessel = vesselFor(msg.mmsi, own, message.topic);
    if (msg.kind === 'position') {
      const point = positionPoint(msg, vessel, message.receivedAtMs, ctx.seriesClock);
      if (point) out.points.push(point);
      else countSkip(out, 'ais_no_position');
      return;
    }
    const point = staticPoint(msg, vessel, message.receivedAtMs, ctx.seriesClock);
    if (point) out.points.push(point);
    else countSkip(out, 'ais_no_static');
  }

  // Orphans of this message's own stream go back with it; the timer hands out everybody else's.
  function takeOrphans(stream: StreamId, message: InboundMessage, out: DecodeResult): void {
    out.rejects.push(...assembler.takeStreamOrphans(stream, message.receivedAtMs));
  }

  function decodeSentence(line: string, message: InboundMessage, out: DecodeResult): void {
    const stream: StreamId = { client: message.client, topic: message.topic };
    takeOrphans(stream, message, out);
    const framed = frame(line);
    if (!framed.ok) {
      out.rejects.push({ reason: framed.reason, error: framed.error, raw: line });
      return;
    }
    const parsed = parseVdm(framed);
    if (!parsed.ok) {
      if (parsed.reason === 'not_ais') countSkip(out, 'not_ais');
      else out.rejects.push({ reason: parsed.reason, error: parsed.error, raw: line });
      return;
    }
    const s = parsed.sentence;
    let whole = { payload: s.payload, fillBits: s.fillBits };
    if (s.count > 1) {
      const added = assembler.add(stream, s, line, message.receivedAtMs);
      out.rejects.push(...added.rejects);
      if (!added.complete) return;
      whole = added.complete;
    }
    const bits = unarmour(whole.payload, whole.fillBits);
    if (typeof bits === 'string') {
      out.rejects.push({ reason: 'malformed_sentence', error: bits, raw: line });
      return;
    }
    const msg = decodeMessage(bits);
    if (msg.kind === 'error') {
      out.rejects.push({ reason: 'malformed_sentence', error: msg.error, raw: line });
      return;
    }
    record(msg, s.own, message, out);
  }

  return {
    id: 'ais',
    decodeSentence,
    decode(message: InboundMessage): DecodeResult {
      const out = emptyResult();
      takeOrphans({ client: message.client, topic: message.topic }, message, out);
      const lines = splitLines(message.payload.toString('utf8'));
      if (lines.length === 0) {
        out.rejects.push({ reason: 'malformed_sentence', error: 'payload holds no sentence' });
      }
      for (const line of lines) decodeSentence(line, message, out);
      return out;
    },
    expireFragments(nowMs: number): FragmentReject[] {
      return assembler.takeAllOrphans(nowMs);
    },
  };
}
