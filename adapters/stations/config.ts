/**
 * The stations adapter's config, mounted by the hub at `ingest.stations`. Gateways that cannot rename
 * their sensors' keys are mapped here, explicitly: an unmapped unknown key is dead-lettered, never guessed.
 */
import { z } from 'zod';
import { ENVIRONMENT_FIELDS } from '../../ingest/schema.ts';

export const StationsConfigSchema = z
  .object({
    /** Gateway key → `environment` field, e.g. `{"PM2.5": "pm25", "Temp": "temp_c"}`. Default `{}`. */
    fieldAliases: z
      .record(
        z.string().min(1),
        z.string().refine((field) => ENVIRONMENT_FIELDS.includes(field), {
          error: (issue) =>
            `alias target ${JSON.stringify(issue.input)} is not an environment field (${ENVIRONMENT_FIELDS.join(', ')})`,
        }),
      )
      .default({})
      .superRefine((aliases, ctx) => {
        for (const key of Object.keys(aliases)) {
          // Remapping a schema name would make the same key mean two things on two hubs.
          if (ENVIRONMENT_FIELDS.includes(key)) {
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `${key} is already an environment field and cannot be an alias`,
            });
          }
        }
      }),
  })
  .strict();

export type StationsConfig = z.infer<typeof StationsConfigSchema>;
