/**
 * Webhook: HTTP POST of the notification as JSON. Headers: `X-Hub-Transition-Id` (the notification id:
 * the transition id, or the group's id) for idempotency, and with a secret
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the exact body>` (GitHub's scheme). 2xx = delivered;
 * 4xx other than 408/429 = permanent (retrying the same body cannot help); anything else is retried.
 */
import { createHmac } from 'node:crypto';
import { AlertsError } from '../errors.ts';
import type { Notification } from '../payload.ts';
import type { WebhookConfig } from './config.ts';
import type { Notifier } from './types.ts';

export function webhookBody(notification: Notification): string {
  return JSON.stringify({
    id: notification.id,
    reason: notification.reason,
    department: notification.department,
    rule: notification.rule,
    severity: notification.severity,
    state: notification.state,
    count: notification.transitions.length,
    transitions: notification.transitions,
  });
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function webhookNotifier(
  key: string,
  config: WebhookConfig,
  env: NodeJS.ProcessEnv = process.env,
): Notifier {
  const secret = config.secret ?? (config.secretEnv ? env[config.secretEnv] : undefined);
  return {
    key,
    kind: 'webhook',
    async send(notification: Notification): Promise<void> {
      const body = webhookBody(notification);
      const headers: Record<string, string> = {
        ...config.headers,
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'hue-telemetry-hub-alerts',
        'X-Hub-Transition-Id': notification.id,
      };
      if (secret) headers['X-Hub-Signature-256'] = signature(secret, body);
      let res: Response;
      try {
        res = await fetch(config.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(config.timeoutMs),
        });
      } catch (err) {
        throw new AlertsError('HUB_ERR_ALERTS_WEBHOOK', `POST ${config.url}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      await res.body?.cancel();
      if (res.ok) return;
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      throw new AlertsError('HUB_ERR_ALERTS_WEBHOOK', `POST ${config.url}: HTTP ${res.status}`, {
        permanent,
      });
    },
  };
}
