/**
 * The InfluxDB schema of DESIGN.md, as data. Field types are fixed (InfluxDB refuses a field whose type
 * changes), so the line-protocol builder and the validator both read them from here.
 */
import type { FieldValue, Point } from './point.ts';

export type FieldType = 'f' | 'i' | 's' | 'b';

export interface MeasurementSchema {
  tags: readonly string[];
  requiredTags: readonly string[];
  fields: Readonly<Record<string, FieldType>>;
  requiredFields: readonly string[];
}

const ENV_FLOAT_FIELDS = [
  'pm25',
  'pm10',
  'o3',
  'no2',
  'so2',
  'co',
  'temp_c',
  'humidity_pct',
  'ph',
  'do_mgl',
  'cod_mgl',
  'bod5_mgl',
  'tss_mgl',
  'nh4_mgl',
  'turbidity_ntu',
] as const;

/** The fields an environmental reading may carry (DESIGN.md `environment`), all floats. */
export const ENVIRONMENT_FIELDS: readonly string[] = ENV_FLOAT_FIELDS;

export const SCHEMA: Readonly<Record<string, MeasurementSchema>> = {
  vessel_position: {
    tags: ['vessel', 'source', 'mmsi', 'terminal'],
    requiredTags: ['vessel', 'source'],
    fields: {
      lat: 'f',
      lon: 'f',
      sog_kn: 'f',
      cog_deg: 'f',
      heading_deg: 'f',
      fix: 'i',
      sats: 'i',
      hdop: 'f',
      seq: 'i',
      sos: 'b',
    },
    requiredFields: [],
  },
  vessel_static: {
    tags: ['vessel', 'mmsi'],
    requiredTags: ['vessel', 'mmsi'],
    fields: { name: 's', callsign: 's', ship_type: 'i', length_m: 'f' },
    requiredFields: [],
  },
  vessel_state: {
    tags: ['vessel', 'home_port'],
    requiredTags: ['vessel'],
    fields: { lat: 'f', lon: 'f', silent_min: 'i', at_sea: 'b', zone: 's' },
    requiredFields: [],
  },
  environment: {
    tags: ['station', 'medium'],
    requiredTags: ['station', 'medium'],
    fields: { ...Object.fromEntries(ENV_FLOAT_FIELDS.map((f) => [f, 'f' as const])), aqi: 'i' },
    requiredFields: [],
  },
  air_quality_index: {
    tags: ['station', 'period'],
    requiredTags: ['station', 'period'],
    fields: {
      aqi: 'i',
      dominant: 's',
      aqi_pm25: 'i',
      aqi_pm10: 'i',
      aqi_o3: 'i',
      aqi_no2: 'i',
      aqi_so2: 'i',
      aqi_co: 'i',
    },
    requiredFields: ['aqi', 'dominant'],
  },
  camera_event: {
    tags: ['camera', 'label', 'type'],
    requiredTags: ['camera', 'label', 'type'],
    fields: { event_id: 's', score: 'f', zones: 's', duration_s: 'f' },
    requiredFields: ['event_id'],
  },
  alert: {
    tags: ['rule', 'department', 'severity', 'entity'],
    requiredTags: ['rule', 'department', 'severity', 'entity'],
    fields: { state: 's', value: 'f', message: 's', transition_id: 's' },
    requiredFields: ['state', 'transition_id'],
  },
  deadletter: {
    tags: ['reason'],
    requiredTags: ['reason'],
    fields: { topic: 's', client: 's', error: 's', payload: 's' },
    requiredFields: ['topic', 'error'],
  },
  device_info: {
    tags: ['device', 'kind', 'home_port'],
    requiredTags: ['device', 'kind'],
    fields: { name: 's', lat: 'f', lon: 'f', length_m: 'f', mmsi: 'i' },
    requiredFields: ['name'],
  },
  hub: {
    tags: ['instance'],
    requiredTags: ['instance'],
    fields: {
      msgs_in: 'i',
      points_written: 'i',
      write_errors: 'i',
      write_ms_p99: 'f',
      spool_points: 'i',
      deadletters: 'i',
      clients: 'i',
      notifier_failures: 'i',
    },
    requiredFields: [],
  },
};

// Line protocol has no room for an empty tag value, so tags are non-empty strings without newlines.
function tagProblem(key: string, value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return `tag ${key} must be a non-empty string`;
  if (/[\r\n]/.test(value)) return `tag ${key} must not contain a line break`;
  return null;
}

function fieldProblem(key: string, type: FieldType, value: FieldValue): string | null {
  switch (type) {
    case 'f':
      return typeof value === 'number' && Number.isFinite(value)
        ? null
        : `field ${key} must be a finite number`;
    case 'i':
      return Number.isSafeInteger(value) ? null : `field ${key} must be an integer`;
    case 's':
      return typeof value === 'string' ? null : `field ${key} must be a string`;
    case 'b':
      return typeof value === 'boolean' ? null : `field ${key} must be a boolean`;
  }
}

/** Checks a point against DESIGN.md's schema; returns the first problem, or null when it is valid. */
export function validatePoint(point: Point): string | null {
  const schema = SCHEMA[point.measurement];
  if (!schema) return `unknown measurement ${point.measurement}`;
  for (const key of schema.requiredTags) {
    if (!(key in point.tags)) return `${point.measurement}: missing tag ${key}`;
  }
  for (const [key, value] of Object.entries(point.tags)) {
    if (!schema.tags.includes(key)) return `${point.measurement}: unknown tag ${key}`;
    const problem = tagProblem(key, value);
    if (problem) return `${point.measurement}: ${problem}`;
  }
  let fieldCount = 0;
  for (const [key, value] of Object.entries(point.fields)) {
    const type = schema.fields[key];
    if (!type) return `${point.measurement}: unknown field ${key}`;
    const problem = fieldProblem(key, type, value);
    if (problem) return `${point.measurement}: ${problem}`;
    fieldCount++;
  }
  if (fieldCount === 0) return `${point.measurement}: a point needs at least one field`;
  for (const key of schema.requiredFields) {
    if (!(key in point.fields)) return `${point.measurement}: missing field ${key}`;
  }
  if (point.time <= 0n) return `${point.measurement}: time must be after 1970`;
  return null;
}
