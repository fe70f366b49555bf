import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { AlertsConfigInput } from '../../alerts/config.ts';
import { notificationIdFromMessageId } from '../../alerts/notifiers/email-format.ts';
import { validatePoint } from '../../ingest/schema.ts';
import {
  advance,
  cleanupAfterEach,
  type Harness,
  harness,
  smtpReceiver,
  webhookReceiver,
} from './service-support.ts';
import { airPm25, PM25_RULE, T0 } from './support.ts';

const SECRET = 's3cret-shared';
const FIRING_ID = `pm25-high:hue-1:firing:${T0}`;

const deferCleanup = cleanupAfterEach();

async function setup(statuses: number[] = [], extra: Partial<AlertsConfigInput> = {}) {
  const hook = await webhookReceiver(statuses);
  const smtp = await smtpReceiver();
  const config: AlertsConfigInput = {
    rules: [PM25_RULE],
    notifiers: {
      departments: {
        environment: [
          { kind: 'webhook', url: hook.url, secret: SECRET },
          { kind: 'email', to: 'moitruong@hue.gov.vn' },
        ],
      },
      smtp: { host: '127.0.0.1', port: smtp.port, from: 'hub@hue.gov.vn', timeoutMs: 5000 },
      retry: { minMs: 20, maxMs: 200 },
    },
    ...extra,
  };
  const h: Harness = await harness(config);
  deferCleanup(h.cleanup, hook.close, smtp.close, () => h.service.stop());
  return { h, hook, smtp };
}

describe('AlertService delivery', () => {
  it('a firing alert is an alert point, a retained MQTT message, a signed webhook and an e-mail, all with its transition id', async () => {
    const { h, hook, smtp } = await setup();
    h.service.onPoints([airPm25(62)], T0);

    expect(h.points).toHaveLength(1);
    const p = h.points[0]!;
    expect(validatePoint(p)).toBeNull();
    expect(p).toMatchObject({
      measurement: 'alert',
      tags: { rule: 'pm25-high', department: 'environment', severity: 'warning', entity: 'hue-1' },
      fields: { state: 'firing', value: 62, transition_id: FIRING_ID, message: 'PM2.5 at hue-1 is 62 µg/m³' },
    });
    expect(h.published).toHaveLength(1);
    expect(h.published[0]).toMatchObject({
      topic: 'alerts/environment/pm25-high/hue-1',
      retain: true,
      qos: 1,
    });
    expect(JSON.parse(h.published[0]!.payload)).toMatchObject({
      transition_id: FIRING_ID,
      state: 'firing',
      muted: false,
    });

    advance(h, 2000); // the grouping window closes
    await vi.waitFor(() => expect(hook.requests).toHaveLength(1));
    const req = hook.requests[0]!;
    expect(req.headers['x-hub-transition-id']).toBe(FIRING_ID);
    const expected = `sha256=${createHmac('sha256', SECRET).update(req.body).digest('hex')}`;
    expect(req.headers['x-hub-signature-256']).toBe(expected);
    expect(req.json).toMatchObject({ id: FIRING_ID, reason: 'transition', count: 1 });
    expect(req.json.transitions[0]).toMatchObject({ transition_id: FIRING_ID, entity: 'hue-1', value: 62 });

    await vi.waitFor(() => expect(smtp.mails).toHaveLength(1));
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['moitruong@hue.gov.vn']);
    expect(notificationIdFromMessageId(mail.headers['message-id']!)).toBe(FIRING_ID);
    expect(mail.headers['x-hub-transition-id']).toBe(FIRING_ID);
    expect(mail.subject).toContain('[Cảnh báo] pm25-high: hue-1');
    const [vi_, en] = mail.text.split('----- English -----');
    expect(vi_).toContain('- hue-1: PM2.5 tại hue-1 là 62 µg/m³ (lúc 2025-03-01 07:00:00 (GMT+7))');
    expect(vi_).toContain('Trạng thái: đang cảnh báo');
    expect(en).toContain('- hue-1: PM2.5 at hue-1 is 62 µg/m³ (at 2025-03-01 07:00:00 (GMT+7))');
    expect(en).toContain(`Transition id: ${FIRING_ID}`);
  });

  it('resolving publishes the resolved JSON non-retained, then clears the retained message, and notifies', async () => {
    const { h, hook } = await setup();
    h.service.onPoints([airPm25(62)], T0);
    h.service.onPoints([airPm25(47)], T0 + 1000); // inside the band: nothing
    h.service.onPoints([airPm25(40)], T0 + 5000);
    await vi.waitFor(() =>
      expect(h.published.map((m) => [m.retain, m.payload === '' ? '' : JSON.parse(m.payload).state])).toEqual(
        [
          [true, 'firing'],
          [false, 'resolved'],
          [true, ''],
        ],
      ),
    );
    advance(h, 7000);
    await vi.waitFor(() => expect(hook.requests).toHaveLength(2));
    expect(hook.requests.map((r) => r.headers['x-hub-transition-id'])).toEqual([
      FIRING_ID,
      `pm25-high:hue-1:resolved:${T0}`,
    ]);
    expect(h.service.listActive()).toEqual([]);
  });

  it('a failing webhook is retried with the same id and body, counted, and does not hold back the e-mail', async () => {
    const { h, hook, smtp } = await setup([500, 503]);
    h.service.onPoints([airPm25(70)], T0);
    advance(h, 2000);
    await vi.waitFor(() => expect(hook.answered).toEqual([500]));
    await vi.waitFor(() => expect(smtp.mails).toHaveLength(1));
    expect(h.service.health().failingNotifiers).toEqual(['environment/webhook#0']);
    await vi.waitFor(() => {
      advance(h, 500);
      expect(hook.answered).toEqual([500, 503, 200]);
    });
    expect(hook.requests[0]!.headers['x-hub-transition-id']).toBe(`pm25-high:hue-1:firing:${T0}`);
    const metrics = h.service.metrics();
    expect(metrics.notifierFailures).toBe(2);
    expect(metrics.byNotifier['environment/webhook#0']).toEqual({ sent: 1, failed: 2, pending: 0 });
    expect(metrics.byNotifier['environment/email#1']).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(metrics.byNotifier.mqtt).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(h.service.health().failingNotifiers).toEqual([]);
  });

  it('a webhook refusing the notification (HTTP 4xx) is not retried: dropped and counted, loudly', async () => {
    const { h, hook } = await setup([400]);
    h.service.onPoints([airPm25(70)], T0);
    advance(h, 2000);
    await vi.waitFor(() => expect(h.service.health().notifiers['environment/webhook#0']?.dropped).toBe(1));
    advance(h, 60_000);
    expect(hook.answered).toEqual([400]);
    expect(h.service.metrics().byNotifier['environment/webhook#0']).toEqual({
      sent: 0,
      failed: 1,
      pending: 0,
    });
  });

  it('a muted rule is still recorded (point, MQTT with muted: true) but not notified', async () => {
    const { h } = await setup();
    const mute = h.service.addMute({ rule: 'pm25-high', to: T0 + 3_600_000, reason: 'sensor calibration' });
    expect(mute.ok).toBe(true);
    h.service.onPoints([airPm25(90)], T0 + 1000);
    advance(h, 5000);
    expect(h.points).toHaveLength(1);
    expect(JSON.parse(h.published[0]!.payload).muted).toBe(true);
    expect(h.service.listActive()[0]).toMatchObject({ state: 'firing', muted: true });
    expect(h.service.metrics().byNotifier['environment/webhook#0']).toEqual({
      sent: 0,
      failed: 0,
      pending: 0,
    });
    expect(h.service.addMute({ to: T0, reason: 'x' })).toMatchObject({ ok: false });
    expect(h.service.removeMute(mute.ok ? mute.mute.id : '')).toBe(true);
    expect(h.service.listMutes()).toEqual([]);
  });

  it('re-notifies a firing alert every repeat interval until it is acknowledged', async () => {
    const { h, hook } = await setup([], { repeatIntervalMs: 3_600_000 });
    h.service.onPoints([airPm25(80)], T0);
    advance(h, 2000);
    await vi.waitFor(() => expect(hook.requests).toHaveLength(1));
    advance(h, 3_600_000);
    advance(h, 2000);
    await vi.waitFor(() => expect(hook.requests).toHaveLength(2));
    expect(hook.requests[1]!.json).toMatchObject({ reason: 'repeat', id: `${FIRING_ID}:repeat:1` });
    const [active] = h.service.listActive({ department: 'environment' });
    expect(h.service.ack(active!.id, 'duty officer Nguyen')).toBe(true);
    expect(h.service.ack('no-such-alert', 'x')).toBe(false);
    expect(h.service.listActive()[0]?.ack).toEqual({ by: 'duty officer Nguyen', atMs: h.clock.now });
    advance(h, 3 * 3_600_000);
    advance(h, 2000);
    expect(h.service.metrics().byNotifier['environment/webhook#0']?.pending).toBe(0);
    expect(hook.requests).toHaveLength(2);
  });
});
