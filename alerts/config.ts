/** The `alerts` section of the config. Filled in by the alerts module. */
import { z } from 'zod';

export const AlertsConfigSchema = z
  .object({
    rules: z.array(z.unknown()).default([]),
  })
  .strict();

export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;
