/**
 * Alerts end to end through the real hub: readings published by real mqtt.js clients cross a rule, and
 * the transition arrives on MQTT (retained while firing, cleared on resolve), at a signed webhook on
 * loopback, as mail at a real SMTP server and as `alert` points in a real influxd — one transition id
 * everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationIdFromMessageId } from '../../alerts/notifiers/email-format.ts';
import type { RuleInput } from '../../alerts/rule-schema.ts';
import type { Device } from '../../ingest/registry.ts';
import { PM25_HIGH, VESSEL_SOS } from '../alerts/rules.ts';
import type { SmtpReceiver, WebhookReceiver } from '../alerts/service-support.ts';
import { eventually, mqttClient, type TestHub } from '../helpers/hub.ts';
import {
  type AlertsHub,
  alertRows,
  mqttRecorder,
  retainedNow,
  signatureValid,
  startAlertsHub,
  vmsReport,
} from './alerts-support.ts';

const STATION = 'hue-aq-01';
const VESSEL = 'TTH-90123-TS';
const PM25_TOPIC = `alerts/environment/pm25-high/${STATION}`;
const SOS_TOPIC = `alerts/fisheries/vms-sos/${VESSEL}`;

const devices: Device[] = [
  { id: STATION, kind: 'station', medium: 'air', lat: 16.463, lon: 107.59 },
  { id: VESSEL, kind: 'vessel', lengthM: 16, homePort: 'thuan-an' },
];

const rules: RuleInput[] = [
  { ...PM25_HIGH, for: '1s', messageVi: 'PM2.5 tại trạm {station} là {value} µg/m³' },
  { ...VESSEL_SOS, message: 'SOS from vessel {vessel}', messageVi: 'Tàu {vessel} phát tín hiệu cấp cứu SOS' },
];

describe('alerts delivered through the real hub', () => {
  let hub: AlertsHub;
  let t: TestHub;
  let hook: WebhookReceiver;
  let smtp: SmtpReceiver;

  beforeAll(async () => {
    hub = await startAlertsHub({ devices, rules, departments: ['environment', 'fisheries'], smtp: true });
    ({ t, hook } = hub);
    smtp = hub.smtp as SmtpReceiver;
  });
  afterAll(() => hub?.stop());

  const hooksFor = (rule: string, state: string) =>
    hook.requests.filter((r) => r.json.rule === rule && r.json.state === state);

  it('PM2.5 over the line: pending, firing, then resolved below the clear level, with one id per transition everywhere', async () => {
    const live = await mqttRecorder(t.hub.mqttPort, 'alerts/environment/#');
    const station = await mqttClient(t.hub.mqttPort, { clientId: STATION });
    const reading = (pm25: number) =>
      station.publishAsync(`stations/${STATION}/readings`, JSON.stringify({ values: { pm25 } }), { qos: 1 });
    await reading(62);

    // Pending for 1 s, then firing on the hub's clock: the webhook gets the firing transition, signed.
    const firing = await eventually(() => hooksFor('pm25-high', 'firing')[0], 20_000);
    expect(firing).toBeDefined();
    const firingId = firing?.headers['x-hub-transition-id'] as string;
    expect(firingId).toMatch(/^pm25-high:hue-aq-01:firing:\d+$/);
    expect(signatureValid(firing as NonNullable<typeof firing>)).toBe(true);
    expect(firing?.json).toMatchObject({ id: firingId, reason: 'transition', count: 1 });
    expect(firing?.json.transitions[0]).toMatchObject({
      transition_id: firingId,
      entity: STATION,
      state: 'firing',
      from: 'pending',
      value: 62,
      message: 'PM2.5 at hue-aq-01 is 62 µg/m³',
    });
    // A forged body does not pass the receiver's check.
    expect(signatureValid({ ...(firing as NonNullable<typeof firing>), body: `${firing?.body} ` })).toBe(
      false,
    );

    // The same id as the mail's Message-ID and X-Hub-Transition-Id, Vietnamese first.
    const mail = await eventually(
      () => smtp.mails.find((m) => m.headers['x-hub-transition-id'] === firingId),
      20_000,
    );
    expect(mail?.to).toEqual(['environment@hue.gov.vn']);
    expect(notificationIdFromMessageId(mail?.headers['message-id'] ?? '')).toBe(firingId);
    const text = mail?.text ?? '';
    expect(text).toContain('PM2.5 tại trạm hue-aq-01 là 62 µg/m³');
    expect(text.indexOf('PM2.5 tại trạm')).toBeLessThan(text.indexOf('PM2.5 at hue-aq-01'));

    // MQTT: the pending and firing JSON, and the firing one stays retained for a late subscriber.
    const onTopic = () => live.messages.filter((m) => m.topic === PM25_TOPIC);
    await eventually(() => onTopic().length >= 2, 10_000);
    const states = onTopic().map((m) => JSON.parse(m.payload).state);
    expect(states).toEqual(['pending', 'firing']);
    expect(JSON.parse(onTopic()[1]?.payload ?? '{}').transition_id).toBe(firingId);
    const retained = await retainedNow(t.hub.mqttPort, PM25_TOPIC);
    expect(retained.map((m) => JSON.parse(m.payload).transition_id)).toEqual([firingId]);

    // 47 is inside the hysteresis band (45..50): nothing; 40 clears it.
    await reading(47);
    await reading(40);
    const resolved = await eventually(() => hooksFor('pm25-high', 'resolved')[0], 20_000);
    const resolvedId = resolved?.headers['x-hub-transition-id'] as string;
    expect(resolvedId).toBe(firingId.replace(':firing:', ':resolved:'));
    expect(signatureValid(resolved as NonNullable<typeof resolved>)).toBe(true);
    expect(resolved?.json.transitions[0]).toMatchObject({ state: 'resolved', from: 'firing', value: 40 });
    expect(
      await eventually(() => smtp.mails.some((m) => m.headers['x-hub-transition-id'] === resolvedId), 20_000),
    ).toBe(true);

    // On MQTT: the resolved JSON, then the zero-byte retained clear; a late subscriber sees nothing.
    await eventually(() => onTopic().length >= 4, 10_000);
    const tail = onTopic().slice(2);
    expect(JSON.parse(tail[0]?.payload ?? '{}')).toMatchObject({
      transition_id: resolvedId,
      state: 'resolved',
    });
    expect(tail[1]?.payload).toBe('');
    expect(onTopic()).toHaveLength(4);
    expect(await retainedNow(t.hub.mqttPort, PM25_TOPIC)).toEqual([]);

    // InfluxDB: one `alert` point per transition (none for the value in the band), same ids.
    const rows = await alertRows(t, 'pm25-high', 3);
    expect(rows.map((r) => r.state)).toEqual(['pending', 'firing', 'resolved']);
    expect(rows.map((r) => r.transition_id)).toEqual([
      firingId.replace(':firing:', ':pending:'),
      firingId,
      resolvedId,
    ]);
    expect(rows[1]).toMatchObject({
      department: 'environment',
      severity: 'warning',
      entity: STATION,
      value: 62,
    });
    // Each notifier got each department transition exactly once (pending is not sent to departments).
    expect(hook.requests.filter((r) => r.json.rule === 'pm25-high')).toHaveLength(2);
    await station.endAsync();
    await live.close();
  });

  it('a VMS SOS fires a critical alert for fisheries on MQTT (retained), webhook, mail and InfluxDB', async () => {
    const vessel = await mqttClient(t.hub.mqttPort, { clientId: VESSEL });
    await vessel.publishAsync(`vessels/${VESSEL}/vms`, vmsReport(16.9, 107.9, { sos: true }), { qos: 1 });
    await vessel.endAsync();

    const firing = await eventually(() => hooksFor('vms-sos', 'firing')[0], 20_000);
    const id = firing?.headers['x-hub-transition-id'] as string;
    expect(id).toMatch(/^vms-sos:TTH-90123-TS:firing:\d+$/);
    expect(signatureValid(firing as NonNullable<typeof firing>)).toBe(true);
    expect(firing?.json).toMatchObject({ department: 'fisheries', severity: 'critical', count: 1 });

    const mail = await eventually(
      () => smtp.mails.find((m) => m.headers['x-hub-transition-id'] === id),
      20_000,
    );
    expect(mail?.to).toEqual(['fisheries@hue.gov.vn']);
    expect(mail?.text).toContain('Tàu TTH-90123-TS phát tín hiệu cấp cứu SOS');

    const retained = await retainedNow(t.hub.mqttPort, SOS_TOPIC);
    expect(retained).toHaveLength(1);
    expect(JSON.parse(retained[0]?.payload ?? '{}')).toMatchObject({
      transition_id: id,
      severity: 'critical',
    });

    const rows = await alertRows(t, 'vms-sos', 1);
    expect(rows.map((r) => [r.state, r.transition_id])).toEqual([['firing', id]]);
  });
});
