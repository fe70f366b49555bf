/**
 * Mute windows: a rule, a department or an entity (or a combination: all given selectors must match)
 * silenced for a maintenance window. Muted transitions are still recorded (the `alert` point, the
 * history, MQTT with `"muted": true`); they are not sent to the department's webhooks and e-mails.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

const TimeSchema = z.union([
  z.number().nonnegative(),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
]);

export const MuteInputSchema = z
  .object({
    id: z.string().min(1).optional(),
    rule: z.string().min(1).optional(),
    department: z.string().min(1).optional(),
    entity: z.string().min(1).optional(),
    /** ISO 8601 with an offset (`2025-03-01T08:00:00+07:00`) or ms since the epoch; default: now. */
    from: TimeSchema.optional(),
    to: TimeSchema,
    reason: z.string().min(1),
    createdBy: z.string().min(1).optional(),
  })
  .strict()
  .refine((m) => m.rule !== undefined || m.department !== undefined || m.entity !== undefined, {
    message: 'a mute names a rule, a department or an entity',
  })
  .refine((m) => m.from === undefined || m.to > m.from, {
    message: '`to` must be after `from`',
    path: ['to'],
  });

export type MuteInput = z.input<typeof MuteInputSchema>;

export interface Mute {
  id: string;
  rule?: string;
  department?: string;
  entity?: string;
  fromMs: number;
  toMs: number;
  reason: string;
  createdBy?: string;
  /** `config` mutes come back with every start; `api` mutes are persisted in the state. */
  source: 'config' | 'api';
}

export type MuteParse = { ok: true; mute: Mute } | { ok: false; error: string };

export function parseMute(input: unknown, nowMs: number, source: Mute['source']): MuteParse {
  const result = MuteInputSchema.safeParse(input);
  if (!result.success) {
    return {
      ok: false,
      error: result.error.issues.map((i) => `${i.path.join('.') || '(mute)'}: ${i.message}`).join('; '),
    };
  }
  const m = result.data;
  const mute: Mute = {
    id: m.id ?? randomUUID(),
    fromMs: m.from ?? (source === 'config' ? 0 : nowMs),
    toMs: m.to,
    reason: m.reason,
    source,
  };
  if (m.rule !== undefined) mute.rule = m.rule;
  if (m.department !== undefined) mute.department = m.department;
  if (m.entity !== undefined) mute.entity = m.entity;
  if (m.createdBy !== undefined) mute.createdBy = m.createdBy;
  return { ok: true, mute };
}

export interface MuteTarget {
  rule: string;
  department: string;
  entity: string;
}

/** The first mute covering the target at `nowMs`, if any. */
export function activeMute(mutes: Iterable<Mute>, target: MuteTarget, nowMs: number): Mute | undefined {
  for (const m of mutes) {
    if (nowMs < m.fromMs || nowMs >= m.toMs) continue;
    if (m.rule !== undefined && m.rule !== target.rule) continue;
    if (m.department !== undefined && m.department !== target.department) continue;
    if (m.entity !== undefined && m.entity !== target.entity) continue;
    return m;
  }
  return undefined;
}

/** Config mutes (back with every start) and API mutes (persisted), together. */
export class MuteBook {
  #config: Mute[] = [];
  #api: Mute[] = [];

  constructor(configMutes: readonly MuteInput[] = []) {
    this.#config = configMutes.flatMap((input, i) => {
      const parsed = parseMute({ id: `config-${i}`, ...input }, 0, 'config');
      return parsed.ok ? [parsed.mute] : [];
    });
  }

  list(): Mute[] {
    return [...this.#config, ...this.#api];
  }

  active(target: MuteTarget, nowMs: number): Mute | undefined {
    return activeMute(this.#config, target, nowMs) ?? activeMute(this.#api, target, nowMs);
  }

  add(input: unknown, nowMs: number): MuteParse {
    const parsed = parseMute(input, nowMs, 'api');
    if (parsed.ok) this.#api = [...this.#api.filter((m) => m.id !== parsed.mute.id), parsed.mute];
    return parsed;
  }

  /** API mutes only: config mutes live in the config file. */
  remove(id: string): boolean {
    const before = this.#api.length;
    this.#api = this.#api.filter((m) => m.id !== id);
    return this.#api.length !== before;
  }

  /** API mutes to persist; those ended more than a day ago are dropped (kept a while for the page). */
  persisted(nowMs: number): Mute[] {
    this.#api = this.#api.filter((m) => m.toMs > nowMs - 86_400_000);
    return [...this.#api];
  }

  restore(mutes: readonly Mute[] | undefined): void {
    this.#api = [...(mutes ?? [])];
  }
}
