/**
 * E-mail through the department's SMTP server (nodemailer). One transport per notifier, pooled
 * connections off: alerts are rare, and a fresh connection per message recovers from a restarted server.
 */
import nodemailer from 'nodemailer';
import { AlertsError } from '../errors.ts';
import type { Notification } from '../payload.ts';
import type { EmailConfig, SmtpConfig } from './config.ts';
import { formatEmail } from './email-format.ts';
import type { Notifier } from './types.ts';

export function emailNotifier(key: string, config: EmailConfig, smtp: SmtpConfig): Notifier {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls,
    tls: { rejectUnauthorized: smtp.rejectUnauthorized },
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
  });
  return {
    key,
    kind: 'email',
    async send(notification: Notification): Promise<void> {
      const mail = formatEmail(notification, config.subjectPrefix);
      try {
        await transport.sendMail({
          from: smtp.from,
          to: config.to,
          ...(config.cc ? { cc: config.cc } : {}),
          subject: mail.subject,
          text: mail.text,
          messageId: mail.messageId,
          headers: { 'X-Hub-Transition-Id': notification.id },
        });
      } catch (err) {
        throw new AlertsError(
          'HUB_ERR_ALERTS_EMAIL',
          `SMTP ${smtp.host}:${smtp.port}: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}
