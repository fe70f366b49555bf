/**
 * The VMS report of DESIGN.md (`vessels/{vessel}/vms`), strict about keys, types and ranges:
 * `{"time","lat","lon","speed_kn","course_deg","seq"?,"terminal"?,"valid"?,"sos"?}`.
 * Fields follow the VMS message of Notice 1008/TB-TCTS-TTTS (2019): sequence number, terminal id, time,
 * GPS state (A = valid → `valid: true`), latitude, longitude, speed, course; SOS as a flag.
 */
import { z } from 'zod';

const TIME_ERROR = 'expected an ISO 8601 date-time with a UTC offset (2025-03-01T08:00:00Z) or epoch ms';

export const VmsReportSchema = z.strictObject({
  /** ISO 8601 with a UTC offset, or epoch milliseconds. */
  time: z.union([z.iso.datetime({ offset: true, error: TIME_ERROR }), z.number()], { error: TIME_ERROR }),
  /** Degrees WGS84. */
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  speed_kn: z.number().min(0),
  /** Degrees true; 360 is accepted as some terminals send it for north. */
  course_deg: z.number().min(0).max(360),
  /** The terminal's message sequence number. */
  seq: z.number().int().min(0).optional(),
  /** Terminal id: a vessel may carry two terminals (Decree 41/2026); it becomes the `terminal` tag. */
  terminal: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9:_.-]+$/, 'terminal ids use letters, digits and : _ . -')
    .optional(),
  /** GPS state: false = V (no fix). Absent means valid. */
  valid: z.boolean().optional(),
  /** Distress button pressed. */
  sos: z.boolean().optional(),
});

export type VmsReport = z.infer<typeof VmsReportSchema>;
