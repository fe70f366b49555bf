/**
 * The rules the alerts tests share (unit, integration and e2e), as a rules file holds them. A test adds
 * what it pins by spreading: `{ ...PM25_HIGH, for: '15m' }`, `{ ...VESSEL_SILENT_6H, onlyAtSea: true }`.
 */
import type { z } from 'zod';
import type { SilenceRuleSchema, ThresholdRuleSchema } from '../../alerts/rule-schema.ts';

type ThresholdRuleInput = z.input<typeof ThresholdRuleSchema>;
type SilenceRuleInput = z.input<typeof SilenceRuleSchema>;

/** PM2.5 above 50 µg/m³ at an air station, cleared below 45 (no pending period). */
export const PM25_HIGH: ThresholdRuleInput = {
  kind: 'threshold',
  id: 'pm25-high',
  department: 'environment',
  severity: 'warning',
  measurement: 'environment',
  where: { medium: 'air' },
  groupBy: ['station'],
  field: 'pm25',
  above: 50,
  clearBelow: 45,
  message: 'PM2.5 at {station} is {value} µg/m³',
};

export const PM25_HIGH_VI = 'PM2.5 tại {station} là {value} µg/m³';

/** An SOS from a vessel: the boolean `sos` counts as 1. */
export const VESSEL_SOS: ThresholdRuleInput = {
  kind: 'threshold',
  id: 'vms-sos',
  department: 'fisheries',
  severity: 'critical',
  measurement: 'vessel_position',
  groupBy: ['vessel'],
  field: 'sos',
  above: 0.5,
  message: 'SOS from {vessel}',
};

/** Positions from a vessel's own VMS terminal or NMEA feed (not AIS heard by shore receivers). */
export const VMS_OR_NMEA = { source: ['vms', 'nmea'] };

/** A vessel without a position fix for 6 h. */
export const VESSEL_SILENT_6H: SilenceRuleInput = {
  kind: 'silence',
  id: 'vms-silent-6h',
  department: 'fisheries',
  severity: 'warning',
  measurement: 'vessel_position',
  groupBy: ['vessel'],
  requireFields: ['lat', 'lon'],
  after: '6h',
  message: '{vessel} silent for {silentFor}',
};

export const VESSEL_SILENT_VI = 'Tàu {vessel} mất tín hiệu {silentFor}';
