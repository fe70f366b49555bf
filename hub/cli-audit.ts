/**
 * The CLI's side of the audit log: a `hub devices` command that changed the registry is recorded in the
 * audit file of the config it used (`log.auditFile`), with the OS user as the actor.
 */
import { parseArgs } from 'node:util';
import { loadConfig, resolveFrom } from '../config/load.ts';
import { AuditLog, devicesAuditEvent } from './audit.ts';

/** The audit file of the config named by `--config` (or of the defaults). */
export function auditFileFor(configPath: string | undefined): string {
  const { config, baseDir } = loadConfig(configPath);
  return resolveFrom(baseDir, config.log.auditFile);
}

/** Call after a `hub devices` command succeeded. */
export function recordDevicesAudit(argv: string[]): void {
  const event = devicesAuditEvent(argv);
  if (!event) return;
  const { values } = parseArgs({ args: argv, strict: false, options: { config: { type: 'string' } } });
  const audit = new AuditLog(auditFileFor(typeof values.config === 'string' ? values.config : undefined));
  try {
    audit.record(event);
  } finally {
    audit.close();
  }
}
