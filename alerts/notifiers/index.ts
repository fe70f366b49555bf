/** The department notifiers named in the config, by department (`'*'`: every department). */
import type { Logger } from 'pino';
import type { NotifiersConfig } from './config.ts';
import { emailNotifier } from './email.ts';
import type { Notifier } from './types.ts';
import { webhookNotifier } from './webhook.ts';

export interface DepartmentNotifiers {
  /** Every notifier by key. */
  all: Map<string, Notifier>;
  /** The keys a department's notifications go to (its own and the `'*'` ones). */
  forDepartment(department: string): string[];
}

export function buildNotifiers(config: NotifiersConfig, log: Logger): DepartmentNotifiers {
  const all = new Map<string, Notifier>();
  const byDepartment = new Map<string, string[]>();
  for (const [department, list] of Object.entries(config.departments)) {
    const keys: string[] = [];
    list.forEach((nc, i) => {
      const key = (nc.name ?? `${department}/${nc.kind}#${i}`).replace(/\|/g, '_');
      if (all.has(key)) {
        log.warn({ key }, 'alerts: two notifiers share a name; the second one is ignored');
        return;
      }
      if (nc.kind === 'webhook') all.set(key, webhookNotifier(key, nc));
      else if (config.smtp) all.set(key, emailNotifier(key, nc, config.smtp));
      else {
        log.error({ key }, 'alerts: an e-mail notifier needs alerts.notifiers.smtp; it is ignored');
        return;
      }
      keys.push(key);
    });
    byDepartment.set(department, keys);
  }
  return {
    all,
    forDepartment: (department) => [
      ...(byDepartment.get(department) ?? []),
      ...(byDepartment.get('*') ?? []),
    ],
  };
}
