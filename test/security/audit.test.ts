/**
 * The audit log: `hub devices` commands that change the registry are recorded with the OS user as actor
 * (and never the secret), `list` is not; records are JSON lines appended in order.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog, devicesAuditEvent } from '../../hub/audit.ts';
import { recordDevicesAudit } from '../../hub/cli-audit.ts';
import { devicesCommand } from '../../hub/cli-devices.ts';

const dir = mkdtempSync(join(tmpdir(), 'hub-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit log', () => {
  it('appends one JSON line per action, in order', () => {
    const file = join(dir, 'a/audit.log');
    const log = new AuditLog(file, () => Date.parse('2026-03-01T08:00:00Z'));
    log.record({ action: 'alert.ack', actor: 'http:duty-officer', target: 'vms-silent/TTH-90123-TS' });
    log.record({ action: 'rules.reload', actor: 'hub', detail: { rules: 12 } });
    log.close();
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        time: '2026-03-01T08:00:00.000Z',
        action: 'alert.ack',
        actor: 'http:duty-officer',
        target: 'vms-silent/TTH-90123-TS',
      },
      { time: '2026-03-01T08:00:00.000Z', action: 'rules.reload', actor: 'hub', detail: { rules: 12 } },
    ]);
  });

  it('reads the action and target of a devices command', () => {
    expect(
      devicesAuditEvent(['add', 'TTH-1-TS', '--kind', 'vessel', '--config', 'x.yaml'], 'cli:me'),
    ).toEqual({
      action: 'device.add',
      actor: 'cli:me',
      target: 'TTH-1-TS',
      detail: { kind: 'vessel' },
    });
    expect(devicesAuditEvent(['--file=d.yaml', 'rotate', 'TTH-1-TS'], 'cli:me')?.action).toBe(
      'device.rotate',
    );
    expect(devicesAuditEvent(['list'])).toBeUndefined();
  });

  it('records `hub devices add|rotate|remove` in the config’s audit file, without secrets', async () => {
    const config = join(dir, 'hub.yaml');
    writeFileSync(config, 'devices:\n  file: devices.yaml\nlog:\n  auditFile: audit.log\n');
    const out: string[] = [];
    const run = async (argv: string[]) => {
      await devicesCommand(argv, (l) => out.push(l));
      recordDevicesAudit(argv);
    };
    await run(['add', 'TTH-90999-TS', '--kind', 'vessel', '--config', config]);
    await run(['rotate', 'TTH-90999-TS', '--config', config]);
    await run(['list', '--config', config]);
    await run(['remove', 'TTH-90999-TS', '--config', config]);
    const text = readFileSync(join(dir, 'audit.log'), 'utf8');
    const events = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => `${e.action} ${e.target}`)).toEqual([
      'device.add TTH-90999-TS',
      'device.rotate TTH-90999-TS',
      'device.remove TTH-90999-TS',
    ]);
    expect(events[0].actor).toMatch(/^cli:/);
    const secrets = out.join('\n').match(/^[A-Za-z0-9_-]{32}$/gm) ?? [];
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
