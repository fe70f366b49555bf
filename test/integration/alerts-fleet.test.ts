/**
 * 40 vessels silent together (a storm takes the fleet's VMS link down): 40 `alert` points and 40
 * retained MQTT messages per rule, but one grouped notification per department — one webhook call and
 * one e-mail listing the 40 vessels — through the real hub, a real influxd and a real SMTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleInput } from '../../alerts/rule-schema.ts';
import type { Device } from '../../ingest/registry.ts';
import { VESSEL_SILENT_6H, VESSEL_SILENT_VI, VMS_OR_NMEA } from '../alerts/rules.ts';
import type { SmtpReceiver, WebhookReceiver } from '../alerts/service-support.ts';
import { eventually, mqttClient, type TestHub } from '../helpers/hub.ts';
import { query } from '../helpers/influxd.ts';
import { type AlertsHub, retainedNow, signatureValid, startAlertsHub, vmsReport } from './alerts-support.ts';

const FLEET = Array.from({ length: 40 }, (_, i) => `TTH-9${String(i + 400).padStart(4, '0')}-TS`);
const devices: Device[] = FLEET.map((id) => ({ id, kind: 'vessel', homePort: 'thuan-an' }));

const silence = (id: string, department: string): RuleInput => ({
  ...VESSEL_SILENT_6H,
  id,
  department,
  where: VMS_OR_NMEA,
  after: '4s',
  message: 'Vessel {vessel} silent for {silentFor}',
  messageVi: VESSEL_SILENT_VI,
});
// Two departments follow the same fleet: the fisheries sub-department and the border guard.
const RULES = [silence('vms-silent', 'fisheries'), silence('vms-silent-bdbp', 'border-guard')];

describe('40 vessels silent together', () => {
  let hub: AlertsHub;
  let t: TestHub;
  let hook: WebhookReceiver;
  let smtp: SmtpReceiver;

  beforeAll(async () => {
    hub = await startAlertsHub({
      devices,
      rules: RULES,
      departments: ['fisheries', 'border-guard'],
      smtp: true,
      // Wide enough for 40 silences that come due over two or three ticks on a busy machine.
      groupWindowMs: 4000,
    });
    ({ t, hook } = hub);
    smtp = hub.smtp as SmtpReceiver;
  });
  afterAll(() => hub?.stop());

  it('gives 40 alert points per rule and one grouped webhook call and e-mail per department', async () => {
    const gateway = await mqttClient(t.hub.mqttPort, { clientId: 'vms-gateway' });
    await Promise.all(
      FLEET.map((vessel, i) =>
        gateway.publishAsync(`vessels/${vessel}/vms`, vmsReport(17 + i * 0.01, 107.8 + i * 0.01), { qos: 1 }),
      ),
    );
    await gateway.endAsync();

    const perRule = (rule: string) => hook.requests.filter((r) => r.json.rule === rule);
    expect(await eventually(() => RULES.every((r) => perRule(r.id).length > 0), 40_000)).toBe(true);
    for (const rule of RULES) {
      const [call, ...more] = perRule(rule.id);
      expect(more).toEqual([]);
      expect(signatureValid(call as NonNullable<typeof call>)).toBe(true);
      expect(call?.json).toMatchObject({ department: rule.department, state: 'firing', count: 40 });
      expect(call?.headers['x-hub-transition-id']).toMatch(new RegExp(`^${rule.id}:group:firing:`));
      expect(call?.json.transitions.map((x) => x.entity).sort()).toEqual([...FLEET].sort());
      expect(new Set(call?.json.transitions.map((x) => x.transition_id)).size).toBe(40);
    }

    const mails = await eventually(() => (smtp.mails.length >= 2 ? smtp.mails : null), 20_000);
    expect(mails?.map((m) => m.to[0]).sort()).toEqual(['border-guard@hue.gov.vn', 'fisheries@hue.gov.vn']);
    for (const mail of mails ?? []) {
      expect(mail.subject).toContain('40');
      expect(mail.text.match(/^- TTH-9\d{4}-TS: Tàu TTH-9\d{4}-TS mất tín hiệu/gm)).toHaveLength(40);
    }

    for (const rule of RULES) {
      const count = async () => {
        const rows = await query(
          t.influxUrl,
          t.database,
          `SELECT count(transition_id) FROM alert WHERE state = 'firing' AND rule = '${rule.id}'`,
        ).catch(() => []);
        return Number(rows[0]?.count ?? 0);
      };
      await eventually(async () => (await count()) >= 40, 20_000);
      expect(await count()).toBe(40);
      const retained = await retainedNow(t.hub.mqttPort, `alerts/${rule.department}/${rule.id}/+`);
      expect(retained).toHaveLength(40);
    }
    // Nothing else was sent meanwhile: still one call per department.
    expect(RULES.map((r) => perRule(r.id).length)).toEqual([1, 1]);
  });
});
