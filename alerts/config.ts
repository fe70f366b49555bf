/**
 * The `alerts` section of the config (README.md in this folder has the reference). Every alerts
 * default lives here, with its unit in the name.
 */
import { z } from 'zod';
import { MuteInputSchema } from './mutes.ts';
import { NotifiersConfigSchema } from './notifiers/config.ts';
import { RuleSchema } from './rule-schema.ts';

export const FleetConfigSchema = z
  .object({
    /** Department of the departure/arrival events (rule ids `vessel-departure`, `vessel-arrival`). */
    department: z.string().min(1).default('fisheries'),
    /** false: no departure/arrival events (the fleet state is still kept). */
    events: z.boolean().default(true),
    /** GeoJSON of the port polygons (default: the bundled `zones/hue-ports.geojson`). */
    portsFile: z.string().optional(),
    /** GeoJSON with features `inshore`, `midshore`, `outer-boundary` (default: bundled `zones/hue.geojson`). */
    zonesFile: z.string().optional(),
  })
  .strict();

export const AlertsConfigSchema = z
  .object({
    /** Inline rules. With neither `rules` nor `rulesFile`, the bundled `alerts/rules/hue-default.yaml`. */
    rules: z.array(RuleSchema).default([]),
    /** A YAML file of rules (a list, or `{ rules: [...] }`), relative to the config file; reloadable. */
    rulesFile: z.string().min(1).optional(),
    /** Alert state, outbox and history (relative to the config file). */
    stateDir: z.string().min(1).default('./data/alerts'),
    /** Re-notify a firing alert that nobody acknowledged this often; 0 = never (4 h). */
    repeatIntervalMs: z
      .number()
      .int()
      .min(0)
      .default(4 * 3_600_000),
    /** Transitions of one department+rule within this window make one notification (2 s). */
    groupWindowMs: z.number().int().min(0).default(2000),
    /** Divides every rule duration (for, after, keepFiringFor, window, repeat): `hub demo --speedup`. */
    timeScale: z.number().positive().default(1),
    /** Transitions kept for `history()` (also bounded to 30 days). */
    historyLimit: z.number().int().min(0).default(10_000),
    mutes: z.array(MuteInputSchema).default([]),
    notifiers: NotifiersConfigSchema.prefault({}),
    fleet: FleetConfigSchema.prefault({}),
  })
  .strict();

export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;
export type AlertsConfigInput = z.input<typeof AlertsConfigSchema>;
export type FleetConfig = z.infer<typeof FleetConfigSchema>;
