/**
 * Alert state across hub restarts (alerts issue "Alert state ... is persisted"): the same spool/state
 * dir and database, the first hub stopped before the second starts (the spool is locked per process).
 * A firing alert is neither lost nor sent again; a vessel that fell silent while the hub was down still
 * raises its silence alert, from the persisted state or, with the state gone, from InfluxDB alone.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleInput } from '../../alerts/rule-schema.ts';
import type { Device } from '../../ingest/registry.ts';
import { PM25_HIGH, VESSEL_SILENT_6H, VMS_OR_NMEA } from '../alerts/rules.ts';
import { type WebhookReceiver, webhookReceiver } from '../alerts/service-support.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { query, uniqueDatabase } from '../helpers/influxd.ts';
import {
  activeAlerts,
  alertRows,
  alertsSection,
  publishOnce,
  removeTempDirs,
  retainedNow,
  tempDir,
  vmsReport,
  writeRules,
} from './alerts-support.ts';

// Long enough that the first hub is surely down before the vessel is overdue, even on a busy machine.
const SILENCE_AFTER_MS = 8000;

const rules: RuleInput[] = [
  PM25_HIGH,
  {
    ...VESSEL_SILENT_6H,
    id: 'vms-silent',
    where: VMS_OR_NMEA,
    after: SILENCE_AFTER_MS,
    message: 'Vessel {vessel} silent for {silentFor}',
  },
];

const devices: Device[] = [
  { id: 'hue-aq-01', kind: 'station', medium: 'air' },
  { id: 'TTH-90301-TS', kind: 'vessel' },
  { id: 'TTH-90302-TS', kind: 'vessel' },
];

describe('alerts across hub restarts', () => {
  let hook: WebhookReceiver;
  let rulesFile: string;
  const running: TestHub[] = [];

  const start = async (dir: string, database: string) => {
    const t = await startTestHub(
      {
        devices: { entries: devices },
        alerts: alertsSection({ rulesFile, hookUrl: hook.url, departments: ['environment', 'fisheries'] }),
      },
      { dir, database },
    );
    running.push(t);
    return t;
  };
  const stop = async (t: TestHub) => {
    await t.stop();
    running.splice(running.indexOf(t), 1);
  };
  const freshDir = () => tempDir('alerts-restart-');
  const hooksWithId = (id: string) => hook.requests.filter((r) => r.headers['x-hub-transition-id'] === id);

  beforeAll(async () => {
    hook = await webhookReceiver();
    rulesFile = writeRules(join(freshDir(), 'rules.yaml'), rules);
  });
  afterAll(async () => {
    for (const t of running) await t.stop();
    await hook?.close();
    removeTempDirs();
  });

  it('a firing alert survives a restart: still listed, still retained, no second firing transition', async () => {
    const dir = freshDir();
    const database = uniqueDatabase('alerts_restart');
    const first = await start(dir, database);
    await publishOnce(first, 'stations/hue-aq-01/readings', JSON.stringify({ values: { pm25: 80 } }));
    const firing = await eventually(() => hook.requests.find((r) => r.json.rule === 'pm25-high'), 20_000);
    const firingId = firing?.headers['x-hub-transition-id'] as string;
    expect(firingId).toMatch(/^pm25-high:hue-aq-01:firing:\d+$/);
    const [before] = await activeAlerts(first);
    expect(before).toMatchObject({ transitionId: firingId, state: 'firing' });
    await stop(first);

    const second = await start(dir, database);
    expect(await activeAlerts(second)).toEqual([before]);
    const topic = 'alerts/environment/pm25-high/hue-aq-01';
    const retained = await eventually(async () => {
      const r = await retainedNow(second.hub.mqttPort, topic, 500);
      return r.length ? r : null;
    }, 10_000);
    expect(retained?.map((m) => JSON.parse(m.payload).transition_id)).toEqual([firingId]);

    // Still breaching after the restart: no transition. Then it clears, in the same episode.
    await publishOnce(second, 'stations/hue-aq-01/readings', JSON.stringify({ values: { pm25: 85 } }));
    await publishOnce(second, 'stations/hue-aq-01/readings', JSON.stringify({ values: { pm25: 30 } }));
    const resolvedId = firingId.replace(':firing:', ':resolved:');
    await eventually(() => hooksWithId(resolvedId).length > 0, 20_000);
    // The webhook queue is in order: anything resent at start would have arrived before the resolve.
    expect(hooksWithId(firingId)).toHaveLength(1);
    expect(hook.requests.filter((r) => r.json.rule === 'pm25-high').map((r) => r.json.state)).toEqual([
      'firing',
      'resolved',
    ]);
    const rows = await alertRows(second, 'pm25-high', 2);
    expect(rows.map((r) => r.transition_id)).toEqual([firingId, resolvedId]);
    await stop(second);
  });

  /** Publishes one VMS position, stops the hub before the vessel is overdue, waits past `after`. */
  async function silentWhileDown(vessel: string, dir: string, database: string): Promise<number> {
    const first = await start(dir, database);
    const sentAt = Date.now();
    await publishOnce(first, `vessels/${vessel}/vms`, vmsReport(16.95, 107.95));
    const stored = await eventually(
      async () =>
        (
          await query(
            first.influxUrl,
            database,
            `SELECT lat FROM vessel_position WHERE vessel = '${vessel}'`,
          ).catch(() => [])
        ).length > 0,
      20_000,
    );
    expect(stored).toBe(true);
    // Down before the vessel is overdue: the alert can only come from the next hub.
    expect(await activeAlerts(first)).toEqual([]);
    expect(Date.now() - sentAt).toBeLessThan(SILENCE_AFTER_MS);
    await stop(first);
    const overdueAt = sentAt + SILENCE_AFTER_MS + 500;
    await new Promise((r) => setTimeout(r, Math.max(0, overdueAt - Date.now())));
    return sentAt;
  }

  async function expectSilenceAlert(t: TestHub, vessel: string, sentAt: number) {
    const alert = await eventually(
      async () => (await activeAlerts(t)).find((a) => a.entity === vessel),
      20_000,
    );
    expect(alert).toMatchObject({ rule: 'vms-silent', state: 'firing', department: 'fisheries' });
    // The episode starts when the vessel went silent (last seen + after), not at the restart.
    expect(alert?.startedAtMs).toBeGreaterThanOrEqual(sentAt - 2000 + SILENCE_AFTER_MS);
    expect(alert?.startedAtMs).toBeLessThanOrEqual(sentAt + 2000 + SILENCE_AFTER_MS);
    const id = alert?.transitionId as string;
    await eventually(() => hooksWithId(id).length > 0, 20_000);
    expect(hooksWithId(id)[0]?.json.transitions[0]).toMatchObject({ entity: vessel, state: 'firing' });
    const rows = await alertRows(t, 'vms-silent', 1, `"entity" = '${vessel}'`);
    expect(rows.map((r) => [r.state, r.transition_id])).toEqual([['firing', id]]);
  }

  it('a vessel silent across a restart raises its silence alert (persisted state)', async () => {
    const dir = freshDir();
    const database = uniqueDatabase('alerts_silent');
    const sentAt = await silentWhileDown('TTH-90301-TS', dir, database);
    const second = await start(dir, database);
    await expectSilenceAlert(second, 'TTH-90301-TS', sentAt);
    await stop(second);
  });

  it('a vessel silent across a restart raises its silence alert with the state lost (seeded from InfluxDB)', async () => {
    const database = uniqueDatabase('alerts_seed');
    const sentAt = await silentWhileDown('TTH-90302-TS', freshDir(), database);
    const second = await start(freshDir(), database);
    await expectSilenceAlert(second, 'TTH-90302-TS', sentAt);
    await stop(second);
  });
});
