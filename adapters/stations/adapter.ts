/**
 * `stations/{station}/readings`: JSON `{"time"?, "values": {...}}` from gateways that poll their own
 * sensors (DESIGN.md) → one `environment` point tagged `station` and `medium` (from the registry).
 * Nothing is guessed: an unknown key, a string number or an out-of-range value is dead-lettered on its
 * own, and the good values of the same message are still stored.
 */
import { z } from 'zod';
import type { Point } from '../../ingest/point.ts';
import { ENVIRONMENT_FIELDS } from '../../ingest/schema.ts';
import { seriesKey } from '../../ingest/time.ts';
import { deviceTime } from '../common/device-time.ts';
import { parseJsonPayload } from '../common/json-payload.ts';
import { pushValidPoint } from '../common/valid-point.ts';
import type { AdapterContext, DecodeResult, InboundMessage, MessageAdapter, Reject } from '../types.ts';
import { countSkip, emptyResult } from '../types.ts';
import type { StationsConfig } from './config.ts';
import type { StationsRejectReason } from './errors.ts';
import { type Medium, physicalRange } from './ranges.ts';

export const StationReadingSchema = z
  .object({
    /** ISO 8601 with offset, or epoch ms; absent: the receipt time. */
    time: z.union([z.string(), z.number()]).optional(),
    /** Field → number; null = unavailable. Checked key by key below so one bad key loses nothing else. */
    values: z.record(z.string(), z.unknown()),
  })
  .strict();

const TOPIC = /^stations\/([^/]+)\/readings$/;

function reject(reason: StationsRejectReason, error: string, raw?: string): Reject {
  return raw === undefined ? { reason, error } : { reason, error, raw };
}

function stationMedium(ctx: AdapterContext, station: string): Medium | Reject {
  const device = ctx.registry.get(station);
  const add = `add it to the devices: hub devices add ${station} --kind station --medium air|water`;
  if (!device) return reject('unknown_station', `station ${station} is not in the device registry: ${add}`);
  if (device.kind !== 'station') {
    return reject(
      'unknown_station',
      `device ${station} is a ${device.kind}, not a station: a station needs an entry of kind station`,
    );
  }
  if (!device.medium)
    return reject('unknown_station', `station ${station} has no medium: set medium air|water`);
  return device.medium;
}

interface Candidate {
  key: string;
  value: unknown;
}

/** Groups the payload's keys by the field they name (directly or through an alias); the rest is unknown. */
function groupByField(
  values: Record<string, unknown>,
  aliases: Readonly<Record<string, string>>,
): { byField: Map<string, Candidate[]>; unknown: string[] } {
  const byField = new Map<string, Candidate[]>();
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const field = Object.hasOwn(aliases, key) ? (aliases[key] ?? key) : key;
    if (!ENVIRONMENT_FIELDS.includes(field)) {
      unknown.push(key);
      continue;
    }
    // null means "unavailable" (a sensor warming up): left out, not an error.
    if (value === null) continue;
    const list = byField.get(field) ?? [];
    list.push({ key, value });
    byField.set(field, list);
  }
  return { byField, unknown };
}

/** The field's value, or the reject explaining why it cannot be stored. */
function checkValue(field: string, candidates: Candidate[], medium: Medium): number | Reject {
  const first = candidates[0];
  if (!first) return reject('invalid_payload', `${field} has no value`);
  if (candidates.length > 1) {
    const keys = candidates.map((c) => c.key).join(' and ');
    return reject('invalid_payload', `${field} is given twice (${keys}): neither is stored`);
  }
  const { key, value } = first;
  // Only a refused value needs its raw JSON: not stringified for every good one (per-message path).
  const raw = () => JSON.stringify({ [key]: value });
  if (typeof value !== 'number') {
    return reject('invalid_payload', `values.${key} must be a number or null, got ${typeof value}`, raw());
  }
  const range = physicalRange(field, medium);
  if (range && (value < range.min || value > range.max)) {
    return reject(
      'out_of_range',
      `values.${key} = ${value} is outside ${range.min}..${range.max} for ${field} at a ${medium} station`,
      raw(),
    );
  }
  return value;
}

export function createStationsAdapter(
  ctx: AdapterContext,
  config: { fieldAliases: StationsConfig['fieldAliases'] },
): MessageAdapter {
  const aliases = config.fieldAliases;

  function decode(message: InboundMessage): DecodeResult {
    const result = emptyResult();
    const station = TOPIC.exec(message.topic)?.[1];
    if (!station) {
      result.rejects.push(reject('bad_topic', `topic ${message.topic} is not stations/{station}/readings`));
      return result;
    }
    const medium = stationMedium(ctx, station);
    if (typeof medium !== 'string') {
      result.rejects.push(medium);
      return result;
    }

    const parsed = parseJsonPayload(message.payload, StationReadingSchema);
    if (!parsed.ok) {
      result.rejects.push(reject(parsed.reason, parsed.error));
      return result;
    }
    const reading = parsed.data;

    let deviceNs: bigint | undefined;
    if (reading.time !== undefined) {
      const t = deviceTime(reading.time, message.receivedAtMs, ctx.limits);
      if (!t.ok) {
        result.rejects.push(reject(t.reason, t.error));
        return result;
      }
      deviceNs = t.ns;
    }

    // The parsed JSON's own object, not zod's copy: zod drops a `__proto__` key, which must be reported.
    const values = (parsed.json as { values: Record<string, unknown> }).values;
    const { byField, unknown } = groupByField(values, aliases);
    if (unknown.length > 0) {
      const names = unknown.map((k) => JSON.stringify(k)).join(', ');
      const raw = JSON.stringify(Object.fromEntries(unknown.map((k) => [k, values[k]])));
      result.rejects.push(
        reject(
          'unknown_field',
          `unknown field(s) ${names} in values: not an environment field; map them with ingest.stations.fieldAliases or fix the gateway`,
          raw,
        ),
      );
    }
    const fields: Record<string, number> = {};
    for (const [field, candidates] of byField) {
      const checked = checkValue(field, candidates, medium);
      if (typeof checked === 'number') fields[field] = checked;
      else result.rejects.push(checked);
    }

    if (Object.keys(fields).length === 0) {
      if (result.rejects.length === 0) countSkip(result, 'no_values');
      return result;
    }
    const tags = { station, medium };
    const point: Point = {
      measurement: 'environment',
      tags,
      fields,
      // Device time as given, so a resent reading overwrites itself; receipt time made unique otherwise.
      time: deviceNs ?? ctx.seriesClock.uniqueMs(seriesKey('environment', tags), message.receivedAtMs),
    };
    pushValidPoint(result, point);
    return result;
  }

  return { id: 'stations', decode };
}
