/** Department notifiers in the config (`alerts.notifiers`); MQTT needs no entry: it always publishes. */
import { z } from 'zod';

export const WebhookConfigSchema = z
  .object({
    kind: z.literal('webhook'),
    /** Names the notifier in /metrics and /health (default `{department}/webhook#{index}`). */
    name: z.string().min(1).optional(),
    url: z.url({ protocol: /^https?$/ }),
    /** Shared secret of the HMAC-SHA256 signature header; or `secretEnv`, the variable holding it. */
    secret: z.string().min(1).optional(),
    secretEnv: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string()).default({}),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

export const EmailConfigSchema = z
  .object({
    kind: z.literal('email'),
    name: z.string().min(1).optional(),
    to: z.union([z.email(), z.array(z.email()).min(1)]),
    cc: z.array(z.email()).optional(),
    /** Put before the subject, e.g. `[Sở NN&PTNT]`. */
    subjectPrefix: z.string().optional(),
  })
  .strict();

export const NotifierConfigSchema = z.discriminatedUnion('kind', [WebhookConfigSchema, EmailConfigSchema]);

export const SmtpConfigSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    user: z.string().optional(),
    pass: z.string().optional(),
    from: z.string().min(3),
    requireTls: z.boolean().default(false),
    rejectUnauthorized: z.boolean().default(true),
    timeoutMs: z.number().int().positive().default(30_000),
  })
  .strict();

export const RetryConfigSchema = z
  .object({
    /** First retry delay; doubles per failure up to `maxMs`. */
    minMs: z.number().int().positive().default(1000),
    maxMs: z.number().int().positive().default(300_000),
    /** An entry still failing after this long is dropped, logged at error and counted (24 h). */
    maxAgeMs: z.number().int().positive().default(86_400_000),
  })
  .strict();

export const NotifiersConfigSchema = z
  .object({
    /** Department → its notifiers; `'*'` receives every department's notifications. */
    departments: z.record(z.string(), z.array(NotifierConfigSchema)).default({}),
    smtp: SmtpConfigSchema.optional(),
    retry: RetryConfigSchema.prefault({}),
  })
  .strict();

export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;
export type EmailConfig = z.infer<typeof EmailConfigSchema>;
export type NotifierConfig = z.infer<typeof NotifierConfigSchema>;
export type SmtpConfig = z.infer<typeof SmtpConfigSchema>;
export type RetryConfig = z.infer<typeof RetryConfigSchema>;
export type NotifiersConfig = z.infer<typeof NotifiersConfigSchema>;
