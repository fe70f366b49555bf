/**
 * The alerts HTTP API of the real hub (alerts issue "HTTP"): active alerts and their department filter,
 * history by time range, ack, rules and their reload from a changed or invalid file, mutes (recorded,
 * not notified). Alerts are raised by readings published through the broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveAlert } from '../../alerts/active.ts';
import type { Mute } from '../../alerts/mutes.ts';
import type { TransitionPayload } from '../../alerts/payload.ts';
import type { RuleInput } from '../../alerts/rule-schema.ts';
import type { Device } from '../../ingest/registry.ts';
import { PM25_HIGH as PM25, VESSEL_SOS as SOS } from '../alerts/rules.ts';
import type { WebhookReceiver } from '../alerts/service-support.ts';
import { eventually, type TestHub } from '../helpers/hub.ts';
import {
  type AlertsHub,
  activeAlerts,
  alertRows,
  mqttRecorder,
  publishOnce,
  startAlertsHub,
  vmsReport,
  writeRules,
} from './alerts-support.ts';

const devices: Device[] = [
  { id: 'hue-aq-01', kind: 'station', medium: 'air' },
  { id: 'hue-aq-02', kind: 'station', medium: 'air' },
  { id: 'hue-aq-03', kind: 'station', medium: 'air' },
  { id: 'TTH-90124-TS', kind: 'vessel' },
];

const SILENT: RuleInput = {
  id: 'station-silent',
  kind: 'silence',
  department: 'environment',
  severity: 'warning',
  measurement: 'environment',
  groupBy: ['station'],
  after: '30m',
  message: 'Station {station} silent for {silentFor}',
};
const PH: RuleInput = {
  id: 'water-ph-out-of-range',
  kind: 'threshold',
  department: 'environment',
  severity: 'warning',
  measurement: 'environment',
  where: { medium: 'water' },
  groupBy: ['station'],
  field: 'ph',
  below: 6,
  above: 8.5,
  for: '15m',
  message: 'pH at {station} is {value}',
};

describe('alerts HTTP API on the real hub', () => {
  let hub: AlertsHub;
  let t: TestHub;
  let hook: WebhookReceiver;
  let rulesFile: string;

  const api = async <T>(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const res = await t.hub.app.inject({
      method,
      url,
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
    return { status: res.statusCode, body: res.json() as T };
  };
  const active = (query = '') => activeAlerts(t, query);
  const publish = (topic: string, payload: string) => publishOnce(t, topic, payload);
  const pm25 = (station: string, value: number) =>
    publish(`stations/${station}/readings`, JSON.stringify({ values: { pm25: value } }));

  beforeAll(async () => {
    hub = await startAlertsHub({ devices, rules: [PM25, SOS], departments: ['environment', 'fisheries'] });
    ({ t, hook, rulesFile } = hub);
  });
  afterAll(() => hub?.stop());

  it('lists firing alerts by department, answers history by range, and records acks', async () => {
    const before = Date.now();
    await pm25('hue-aq-01', 80);
    await publish('vessels/TTH-90124-TS/vms', vmsReport(16.95, 107.95, { sos: true }));
    expect(await eventually(async () => (await active()).length === 2, 20_000)).toBe(true);

    const all = await active();
    // Critical first.
    expect(all.map((a) => [a.rule, a.entity, a.state])).toEqual([
      ['vms-sos', 'TTH-90124-TS', 'firing'],
      ['pm25-high', 'hue-aq-01', 'firing'],
    ]);
    expect((await active('?department=environment')).map((a) => a.rule)).toEqual(['pm25-high']);
    expect((await active('?department=traffic')).length).toBe(0);

    const pm = all[1] as ActiveAlert;
    expect(pm.id).toBe(`pm25-high:hue-aq-01:${pm.startedAtMs}`);
    expect(pm.transitionId).toBe(`pm25-high:hue-aq-01:firing:${pm.startedAtMs}`);

    const history = await api<TransitionPayload[]>(
      'GET',
      `/api/alerts/history?from=${new Date(before - 1000).toISOString()}&to=${Date.now() + 1000}`,
    );
    expect(history.status).toBe(200);
    expect(history.body.map((h) => h.transition_id).sort()).toEqual(all.map((a) => a.transitionId).sort());
    const past = await api<TransitionPayload[]>('GET', `/api/alerts/history?from=0&to=${before - 60_000}`);
    expect(past.body).toEqual([]);
    expect((await api('GET', '/api/alerts/history?from=2000&to=1000')).status).toBe(400);
    expect((await api('GET', '/api/alerts/history?from=yesterday')).status).toBe(400);

    expect((await api('POST', `/api/alerts/${encodeURIComponent(pm.id)}/ack`, {})).status).toBe(400);
    expect((await api('POST', '/api/alerts/pm25-high:nowhere:1/ack', { by: 'Trần Văn An' })).status).toBe(
      404,
    );
    const ack = await api('POST', `/api/alerts/${encodeURIComponent(pm.id)}/ack`, { by: 'Trần Văn An' });
    expect(ack).toMatchObject({ status: 200, body: { ok: true, id: pm.id, by: 'Trần Văn An' } });
    const acked = (await active()).find((a) => a.id === pm.id);
    expect(acked?.ack?.by).toBe('Trần Văn An');
    expect(acked?.ack?.atMs).toBeGreaterThanOrEqual(before);
  });

  it('mutes: a muted alert is recorded (point, MQTT, list) but not sent to the webhook; mutes are listed and removed', async () => {
    expect((await api('POST', '/api/mutes', { to: Date.now() + 60_000, reason: 'x' })).status).toBe(400);
    const created = await api<Mute>('POST', '/api/mutes', {
      entity: 'hue-aq-02',
      to: new Date(Date.now() + 3_600_000).toISOString(),
      reason: 'thay cảm biến (sensor maintenance)',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ entity: 'hue-aq-02', source: 'api' });
    expect((await api<Mute[]>('GET', '/api/mutes')).body.map((m) => m.id)).toEqual([created.body.id]);

    const live = await mqttRecorder(t.hub.mqttPort, 'alerts/environment/pm25-high/+');
    await pm25('hue-aq-02', 90);
    // A control alert on another station, raised after the muted one, reaches the webhook: by then the
    // muted one would have too.
    await pm25('hue-aq-03', 95);
    const hooked = (entity: string) =>
      hook.requests.some((r) => r.json.transitions.some((x) => x.entity === entity));
    expect(await eventually(() => hooked('hue-aq-03'), 20_000)).toBe(true);
    expect(hooked('hue-aq-02')).toBe(false);

    const muted = (await active()).find((a) => a.entity === 'hue-aq-02');
    expect(muted).toMatchObject({ state: 'firing', muted: true });
    const message = await eventually(() => live.messages.find((m) => m.topic.endsWith('/hue-aq-02')), 10_000);
    expect(JSON.parse(message?.payload ?? '{}')).toMatchObject({ state: 'firing', muted: true });
    await live.close();
    const rows = await alertRows(t, 'pm25-high', 1, `"entity" = 'hue-aq-02'`);
    expect(rows.map((r) => r.state)).toEqual(['firing']);

    const removed = await api('DELETE', `/api/mutes/${created.body.id}`);
    expect(removed).toMatchObject({ status: 200, body: { ok: true } });
    expect((await api('DELETE', `/api/mutes/${created.body.id}`)).status).toBe(404);
    expect((await api<Mute[]>('GET', '/api/mutes')).body).toEqual([]);
  });

  it('rules: listed with durations in ms; a changed file reloads, an invalid one is refused and the old set kept', async () => {
    const pmFiring = (await active()).filter((a) => a.rule === 'pm25-high').length;
    const rules = await api<Array<{ id: string; kind: string }>>('GET', '/api/rules');
    expect(rules.body.map((r) => r.id)).toEqual(['pm25-high', 'vms-sos']);

    writeRules(rulesFile, [PM25, SILENT, PH]);
    const reload = await api('POST', '/api/rules/reload');
    expect(reload).toEqual({ status: 200, body: { ok: true, rules: 3 } });
    const after = (await api<Array<Record<string, unknown>>>('GET', '/api/rules')).body;
    expect(after.map((r) => r.id)).toEqual(['pm25-high', 'station-silent', 'water-ph-out-of-range']);
    expect(after[1]).toMatchObject({ kind: 'silence', after: 1_800_000 });
    expect(after[2]).toMatchObject({ for: 900_000, below: 6, above: 8.5 });
    // vms-sos is gone: its firing alert resolves ("removed or changed").
    expect(await eventually(async () => !(await active()).some((a) => a.rule === 'vms-sos'), 10_000)).toBe(
      true,
    );
    expect((await alertRows(t, 'vms-sos', 2)).map((r) => r.state)).toEqual(['firing', 'resolved']);

    // pH rule with `below` above `above`: invalid; the three rules stay in force.
    writeRules(rulesFile, [PM25, { ...PH, below: 9 } as RuleInput]);
    const bad = await api<{ ok: boolean; error: string }>('POST', '/api/rules/reload');
    expect(bad.status).toBe(400);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.error).toMatch(/below/);
    expect((await api<unknown[]>('GET', '/api/rules')).body).toHaveLength(3);
    // Still evaluated: the pm25 alerts are still listed.
    expect((await active()).filter((a) => a.rule === 'pm25-high')).toHaveLength(pmFiring);
  });
});
