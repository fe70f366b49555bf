/**
 * The e-mail of a notification: Vietnamese first, the English below; times in Asia/Ho_Chi_Minh
 * (UTC+7, no daylight saving). The Message-ID carries the notification id (the transition id for one
 * transition), encoded so it is a valid RFC 5322 id-left: `<vessel-silent=3ATTH-90123-TS=3A...@hub>`.
 */
import type { Notification } from '../payload.ts';
import type { Severity } from '../rule-schema.ts';
import type { TransitionState } from '../types.ts';

const SEVERITY_VI: Record<Severity, string> = {
  info: 'Thông tin',
  warning: 'Cảnh báo',
  critical: 'Khẩn cấp',
};
const SEVERITY_EN: Record<Severity, string> = { info: 'Info', warning: 'Warning', critical: 'Critical' };
const STATE_VI: Record<TransitionState, string> = {
  pending: 'chờ xác nhận',
  firing: 'đang cảnh báo',
  resolved: 'đã kết thúc',
};

const HCM_OFFSET_MS = 7 * 3_600_000;

/** `2025-03-01 08:00:00 (GMT+7)` */
export function hcmTime(ms: number): string {
  return `${new Date(ms + HCM_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')} (GMT+7)`;
}

// RFC 5322 3.2.3 atext without `.` (no dot-atom pitfalls) and `=` (our escape).
export function messageIdFor(notificationId: string): string {
  const left = notificationId.replace(/[^A-Za-z0-9!#$%&'*+\-/?^_`{|}~]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return `<${left}@hub>`;
}

export function notificationIdFromMessageId(messageId: string): string | null {
  const match = /^<(.+)@hub>$/.exec(messageId.trim());
  if (!match) return null;
  const bytes: number[] = [];
  const text = match[1] as string;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface EmailContent {
  subject: string;
  text: string;
  messageId: string;
}

export function formatEmail(n: Notification, subjectPrefix = ''): EmailContent {
  const count = n.transitions.length;
  const first = n.transitions[0];
  const who = count === 1 && first ? first.entity : `${count} đối tượng`;
  const whoEn = count === 1 && first ? first.entity : `${count} entities`;
  const repeatVi = n.reason === 'repeat' ? ' (nhắc lại)' : '';
  const repeatEn = n.reason === 'repeat' ? ' (repeat)' : '';
  const subject =
    `${subjectPrefix ? `${subjectPrefix} ` : ''}[${SEVERITY_VI[n.severity]}] ${n.rule}: ${who} — ` +
    `${STATE_VI[n.state]}${repeatVi} / ${whoEn} ${n.state}${repeatEn}`;
  const ids = n.transitions.map((t) => t.transition_id);
  const vi = [
    `${SEVERITY_VI[n.severity].toUpperCase()} — Quy tắc: ${n.rule} — Bộ phận: ${n.department}`,
    `Trạng thái: ${STATE_VI[n.state]}${repeatVi} (${count} đối tượng)`,
    '',
    ...n.transitions.map((t) => `- ${t.entity}: ${t.message_vi} (lúc ${hcmTime(t.time_ms)})`),
    '',
    `Mã sự kiện: ${ids.join(', ')}`,
  ];
  const en = [
    `${SEVERITY_EN[n.severity].toUpperCase()} — Rule: ${n.rule} — Department: ${n.department}`,
    `State: ${n.state}${repeatEn} (${count} ${count === 1 ? 'entity' : 'entities'})`,
    '',
    ...n.transitions.map((t) => `- ${t.entity}: ${t.message} (at ${hcmTime(t.time_ms)})`),
    '',
    `Transition id${count === 1 ? '' : 's'}: ${ids.join(', ')}`,
  ];
  const text = [...vi, '', '----- English -----', '', ...en, ''].join('\n');
  return { subject, text, messageId: messageIdFor(n.id) };
}
