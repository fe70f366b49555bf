/**
 * The audit log: one JSON line per operator action (alert acks, mutes, rule reloads, registry changes,
 * track exports, sealed archive files), appended and fsync'd at once. Actions are rare, so a synchronous
 * append keeps the order exact and survives a crash right after the action.
 *
 *   {"time":"2026-03-01T08:00:00.000Z","action":"device.add","actor":"cli:admin","target":"TTH-90123-TS"}
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';

/** Dotted names, by subject: `alert.ack`, `alert.mute`, `rules.reload`, `device.add`, `archive.seal`... */
export type AuditAction = string;

export interface AuditEvent {
  action: AuditAction;
  /** Who: an operator token's name (`http:<name>`), `cli:<os user>`, or `hub` for the hub itself. */
  actor: string;
  /** What it acted on: an alert id, a device id, a rule file. */
  target?: string;
  /** Anything else worth keeping (never a secret). */
  detail?: Record<string, unknown>;
}

export class AuditLog {
  #fd: number;

  constructor(
    readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.#fd = openSync(file, 'a', 0o640);
  }

  record(event: AuditEvent): void {
    if (this.#fd < 0) throw new Error(`audit log ${this.file} is closed`);
    const line = JSON.stringify({ time: new Date(this.now()).toISOString(), ...event });
    writeSync(this.#fd, `${line}\n`);
    fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}

/** The actor name of the CLI's user. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/** The actor of an HTTP request: its token's name, or `http:loopback` when no tokens are configured. */
export function httpActor(operator: string): string {
  return operator ? `http:${operator}` : 'http:loopback';
}

/** The audit event of a `hub devices` command that changed the registry; undefined for `list`. */
export function devicesAuditEvent(argv: readonly string[], actor = cliActor()): AuditEvent | undefined {
  const takesValue = (option: string) => option.startsWith('--') && !option.includes('=');
  const positionals = argv.filter((a, i) => !a.startsWith('-') && !takesValue(argv[i - 1] ?? ''));
  const [action, target] = positionals;
  if (!action || !['add', 'rotate', 'remove', 'import'].includes(action)) return undefined;
  const event: AuditEvent = { action: `device.${action}`, actor };
  if (target) event.target = target;
  if (action === 'add') {
    const kind = argv[argv.indexOf('--kind') + 1];
    if (argv.includes('--kind') && kind) event.detail = { kind };
  }
  return event;
}
