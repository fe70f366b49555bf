import { describe, expect, it, vi } from 'vitest';
import { type AlertsConfigInput, AlertsConfigSchema } from '../../alerts/config.ts';
import { advance, cleanupAfterEach, type Harness, harness, webhookReceiver } from './service-support.ts';
import { airPm25, MIN, PM25_RULE, point, T0 } from './support.ts';

const FIRING_ID = `pm25-high:hue-1:firing:${T0}`;

const deferCleanup = cleanupAfterEach();

async function setup(rules: AlertsConfigInput['rules'], statuses: number[] = []) {
  const hook = await webhookReceiver(statuses);
  const config: AlertsConfigInput = {
    rules,
    notifiers: {
      departments: {
        environment: [{ kind: 'webhook', url: hook.url }],
        fisheries: [{ kind: 'webhook', url: hook.url }],
      },
      retry: { minMs: 20, maxMs: 100 },
    },
  };
  const h = await harness(config);
  deferCleanup(h.cleanup, hook.close);
  let current: Harness = h;
  deferCleanup(() => current.service.stop());
  return {
    h,
    hook,
    /** Stops the running service and starts a new one on the same state dir. */
    restart: async () => {
      await current.service.stop();
      current = await current.restart();
      return current;
    },
  };
}

describe('AlertService across restarts', () => {
  it('keeps a firing alert through a restart and sends no new transition for it', async () => {
    const { h, hook, restart } = await setup([PM25_RULE]);
    h.service.onPoints([airPm25(75)], T0);
    advance(h, 2000);
    await vi.waitFor(() => expect(hook.requests).toHaveLength(1));

    const again = await restart();
    expect(again.service.listActive()).toMatchObject([
      { state: 'firing', transitionId: FIRING_ID, value: 75 },
    ]);
    again.service.onPoints([airPm25(80)], T0 + MIN);
    advance(again, 5000);
    expect(again.points).toEqual([]);
    expect(again.published).toEqual([]);
    again.service.onPoints([airPm25(30)], T0 + 2 * MIN);
    expect(again.points.map((p) => p.fields.transition_id)).toEqual([`pm25-high:hue-1:resolved:${T0}`]);
    advance(again, 3000);
    await vi.waitFor(() => expect(hook.requests).toHaveLength(2));
    expect(hook.requests.map((r) => r.json.transitions[0]?.state)).toEqual(['firing', 'resolved']);
  });

  it('a pending period that began before a restart completes after it, from its original start', async () => {
    const { h, restart } = await setup([{ ...PM25_RULE, for: '15m' }]);
    h.service.onPoints([airPm25(60)], T0);
    expect(h.points.map((p) => p.fields.state)).toEqual(['pending']);
    h.clock.now = T0 + 16 * MIN;
    const again = await restart();
    expect(again.points.map((p) => [p.fields.state, p.fields.transition_id])).toEqual([
      ['firing', FIRING_ID],
    ]);
  });

  it('a notification owed when the hub stopped is delivered after the restart, once', async () => {
    const failures = Array.from({ length: 50 }, () => 500);
    const { h, hook, restart } = await setup([PM25_RULE], failures);
    h.service.onPoints([airPm25(75)], T0);
    advance(h, 2000);
    await vi.waitFor(() => expect(hook.answered.length).toBeGreaterThan(0));
    failures.length = 0; // the receiver is back
    const again = await restart();
    await vi.waitFor(() => {
      advance(again, 200);
      expect(hook.requests).toHaveLength(1);
    });
    expect(hook.requests[0]!.headers['x-hub-transition-id']).toBe(FIRING_ID);
    advance(again, 60_000);
    expect(hook.requests).toHaveLength(1);
    expect(again.service.health().outboxPending).toBe(0);
  });

  it('reloading invalid rules keeps the old set; removing a rule ends its alerts', async () => {
    const { h, hook } = await setup([PM25_RULE]);
    h.service.onPoints([airPm25(75)], T0);
    const config = (rulesFile: string) => AlertsConfigSchema.parse({ rulesFile });
    const bad = await h.service.reloadRules(config('rules/invalid.yaml'));
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error).toMatch(
      /HUB_ERR_ALERTS_RULES.*invalid\.yaml[\s\S]*rules\.0\.above[\s\S]*rules\.1\.after/,
    );
    expect(h.service.rules().map((r) => r.id)).toEqual(['pm25-high']);

    const good = await h.service.reloadRules(config('rules/square-zone.yaml'));
    expect(good).toEqual({ ok: true, rules: 1 });
    expect(h.service.rules()[0]).toMatchObject({ id: 'in-square', kind: 'zone' });
    expect(h.points.map((p) => `${p.fields.state} ${p.fields.message}`)).toEqual([
      'firing PM2.5 at hue-1 is 75 µg/m³',
      'resolved Rule pm25-high was removed or changed: the alert on hue-1 ends',
    ]);
    expect(h.service.listActive()).toEqual([]);
    // The new rule works, with its zone file found relative to the rules file.
    h.service.onPoints(
      [point('vessel_position', { vessel: 'TTH-1-TS', source: 'vms' }, { lat: 17, lon: 108 })],
      T0 + 1,
    );
    expect(h.service.listActive()).toMatchObject([
      { rule: 'in-square', state: 'firing', entity: 'TTH-1-TS' },
    ]);
    advance(h, 3000);
    await vi.waitFor(() => expect(hook.requests).toHaveLength(3));
    // Two departments, two queues: their order is not fixed.
    expect(hook.requests.map((r) => `${r.json.rule} ${r.json.state}`).sort()).toEqual([
      'in-square firing',
      'pm25-high firing',
      'pm25-high resolved',
    ]);
  });
});
