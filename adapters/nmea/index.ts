/**
 * NMEA 0183 adapter: `vessels/{vessel}/nmea` payloads (one or more sentences, CRLF or LF) become
 * `vessel_position` points (DESIGN.md). RMC/GGA/GLL/VTG from any talker are decoded; `!AIVDM`/`!AIVDO`
 * lines go to the AIS decoder; other well-formed sentences are counted and skipped. One bad sentence is
 * rejected on its own and never spoils the rest of the payload.
 */
import { msToNs, type Point } from '../../ingest/point.ts';
import { implausibleTime } from '../../ingest/time.ts';
import {
  type AdapterContext,
  countSkip,
  type DecodeResult,
  emptyResult,
  type InboundMessage,
  type MessageAdapter,
} from '../types.ts';
import { VesselEpochs } from './epochs.ts';
import { NmeaFieldError, type NmeaRejectReason, type NmeaSkipKind } from './errors.ts';
import { nearestDayMs } from './fields.ts';
import { frame, splitLines } from './framing.ts';
import { type Parsed, parseGga, parseGll, parseRmc, parseVtg, type VesselFields } from './sentences.ts';

export const id = 'nmea';

/** The AIS decoder, which takes the `!` lines of an NMEA payload as they are. */
export interface AisSentenceSink {
  decodeSentence(line: string, message: InboundMessage, out: DecodeResult): void;
}

export interface NmeaAdapterOptions {
  ais?: AisSentenceSink;
  /** Bound on the vessels whose current epoch is remembered (default epochs.ts DEFAULT_MAX_VESSELS). */
  maxVessels?: number;
}

const BANG = 33; // '!'
const MAX_RAW_CHARS = 400;

type SentenceParser = (fields: readonly string[]) => Parsed;

/** The parser for an address `TTSSS` (any talker TT), or undefined for sentences the hub does not use. */
function parserFor(address: string): SentenceParser | undefined {
  // NMEA 0183 §5.3: proprietary sentences are `$P` + manufacturer code (`$PGRME`); their fields are the
  // manufacturer's, so a P address is never one of ours even when it ends in RMC.
  if (address.length !== 5 || address.charCodeAt(0) === 80) return undefined;
  switch (address.slice(2)) {
    case 'RMC':
      return parseRmc;
    case 'GGA':
      return parseGga;
    case 'GLL':
      return parseGll;
    case 'VTG':
      return parseVtg;
    default:
      return undefined;
  }
}

/** `vessels/{vessel}/nmea` → the vessel id, or undefined when the segment is missing or empty. */
function vesselOf(topic: string): string | undefined {
  const first = topic.indexOf('/');
  const second = topic.indexOf('/', first + 1);
  if (first < 0 || second <= first + 1) return undefined;
  return topic.slice(first + 1, second);
}

/** A dead letter must be readable text: escape control and non-ASCII bytes, cap the length. */
function printable(line: string): string {
  const capped = line.length > MAX_RAW_CHARS ? `${line.slice(0, MAX_RAW_CHARS)}…` : line;
  return capped.replace(/[^\x20-\x7e…]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function reject(out: DecodeResult, reason: NmeaRejectReason, error: string, line: string): void {
  out.rejects.push({ reason, error, raw: printable(line) });
}

function skip(out: DecodeResult, kind: NmeaSkipKind): void {
  countSkip(out, kind);
}

function positionPoint(vessel: string, fields: VesselFields, timeMs: number): Point {
  return { measurement: 'vessel_position', tags: { vessel, source: id }, fields, time: msToNs(timeMs) };
}

export function createNmeaAdapter(ctx: AdapterContext, opts: NmeaAdapterOptions = {}): MessageAdapter {
  const epochs = new VesselEpochs(opts.maxVessels);

  function decodeLine(line: string, vessel: string, message: InboundMessage, out: DecodeResult): void {
    if (line.charCodeAt(0) === BANG && opts.ais) {
      opts.ais.decodeSentence(line, message, out);
      return;
    }
    const framed = frame(line);
    if (!framed.ok) {
      reject(out, framed.reason, framed.error, line);
      return;
    }
    if (framed.start === '!') {
      skip(out, 'ais'); // no AIS decoder wired
      return;
    }
    const parse = parserFor(framed.fields[0]!);
    if (parse === undefined) {
      skip(out, 'unused'); // GSA, GSV, ZDA, TXT, $P...
      return;
    }

    let parsed: Parsed;
    try {
      parsed = parse(framed.fields);
    } catch (err) {
      if (err instanceof NmeaFieldError) {
        reject(out, 'bad_field', err.message, line);
        return;
      }
      throw err;
    }

    switch (parsed.kind) {
      case 'no_fix':
        skip(out, 'no_fix');
        return;
      case 'fix': {
        // RMC carries the date; GGA and GLL only the time of day (DESIGN.md "Time").
        const timeMs =
          parsed.dayMs !== undefined
            ? parsed.dayMs + parsed.timeOfDayMs
            : nearestDayMs(parsed.timeOfDayMs, message.receivedAtMs);
        const problem = implausibleTime(timeMs, message.receivedAtMs, ctx.limits);
        if (problem !== null) {
          reject(out, 'implausible_time', problem, line);
          return;
        }
        epochs.set(vessel, timeMs, message.receivedAtMs);
        out.points.push(positionPoint(vessel, parsed.fields, timeMs));
        return;
      }
      case 'motion': {
        const epochMs = epochs.current(vessel, message.receivedAtMs);
        if (epochMs === undefined) {
          skip(out, 'vtg_no_epoch');
          return;
        }
        out.points.push(positionPoint(vessel, parsed.fields, epochMs));
        return;
      }
    }
  }

  return {
    id,
    decode(message: InboundMessage): DecodeResult {
      const out = emptyResult();
      const vessel = vesselOf(message.topic);
      if (vessel === undefined) {
        out.rejects.push({
          reason: 'bad_topic',
          error: `topic "${message.topic}" is not vessels/{vessel}/nmea`,
        });
        return out;
      }
      // latin1 maps every byte to one character, so binary junk stays visible to frame()'s ASCII check.
      for (const line of splitLines(message.payload.toString('latin1'))) {
        decodeLine(line, vessel, message, out);
      }
      return out;
    },
  };
}
