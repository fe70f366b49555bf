/**
 * The alert service in cluster mode, without Redis: the "may I notify" gate (nothing leaves while
 * another hub leads; the state behind a notice is stored before the notice leaves) and a takeover's
 * re-notification of a firing alert under its own transition id. State lives in a shared in-memory
 * store here, as it does in Redis in the cluster.
 */
import { rmSync } from 'node:fs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertsConfigSchema } from '../../alerts/config.ts';
import { AlertService } from '../../alerts/service.ts';
import type { AlertStateStore, PersistedState } from '../../alerts/state-store.ts';
import { Registry } from '../../ingest/registry.ts';
import { type HookRequest, tempStateDir, webhookReceiver } from '../alerts/service-support.ts';
import { FIXTURES, PM25_RULE, point, T0 } from '../alerts/support.ts';

class SharedStore implements AlertStateStore {
  state: PersistedState | undefined;
  savedAtMs: number | undefined;
  constructor(private readonly events: string[]) {}
  load() {
    return this.state ? structuredClone(this.state) : undefined;
  }
  async save(state: PersistedState) {
    this.events.push('save');
    this.state = structuredClone(state);
    this.savedAtMs = state.savedAtMs;
    return true;
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function service(opts: {
  store: AlertStateStore;
  clock: { now: number };
  leads: () => boolean;
  events: string[];
  hookUrl?: string;
  /** A hub's own folder (its notification history); a new one when not given. */
  stateDir?: string;
}) {
  const stateDir = opts.stateDir ?? tempStateDir();
  dirs.push(stateDir);
  const config = AlertsConfigSchema.parse({
    rules: [PM25_RULE],
    stateDir,
    groupWindowMs: 0,
    repeatIntervalMs: 0,
    notifiers: {
      departments: opts.hookUrl ? { environment: [{ kind: 'webhook', url: opts.hookUrl }] } : {},
      retry: { minMs: 1000, maxMs: 1000 },
    },
  });
  return new AlertService({
    config,
    baseDir: FIXTURES,
    registry: new Registry([]),
    log: pino({ level: 'silent' }),
    now: () => opts.clock.now,
    instance: 'hub-test',
    publish: async (topic) => {
      opts.events.push(`publish ${topic}`);
    },
    writePoints: () => {},
    tickMs: 0,
    stateStore: opts.store,
    mayNotify: async () => opts.leads(),
  });
}

const air = (pm25: number, ms: number) =>
  point('environment', { station: 'hue-aq-01', medium: 'air' }, { pm25 }, ms);
const settle = () => new Promise((r) => setTimeout(r, 50));
const firing = (r: HookRequest) => r.json.transitions[0]?.state === 'firing';

/** A leader whose PM2.5 alert fired and reached the department's webhook once. */
async function firingOnFirstLeader(hook: { url: string; requests: HookRequest[] }, stateDir?: string) {
  const events: string[] = [];
  const store = new SharedStore(events);
  const clock = { now: T0 };
  const first = service({
    store,
    clock,
    leads: () => true,
    events,
    hookUrl: hook.url,
    ...(stateDir ? { stateDir } : {}),
  });
  await first.start();
  first.onPoints([air(80, T0)], T0);
  await expect.poll(() => hook.requests.filter(firing).length, { timeout: 5_000 }).toBe(1);
  return { first, store, clock, events };
}

describe('alerts in cluster mode', () => {
  it('sends nothing while another hub leads, and stores the state before any notice leaves', async () => {
    const events: string[] = [];
    const clock = { now: T0 };
    let leading = false;
    const alerts = service({ store: new SharedStore(events), clock, leads: () => leading, events });
    await alerts.start();
    alerts.onPoints([air(80, T0)], T0);
    await settle();
    expect(events.filter((e) => e.startsWith('publish'))).toEqual([]);

    leading = true;
    clock.now += 1_500; // past the retry backoff of the refused attempt
    alerts.tick();
    const topic = 'publish alerts/environment/pm25-high/hue-aq-01';
    await expect.poll(() => events.includes(topic), { timeout: 5_000 }).toBe(true);
    const publishAt = events.indexOf(topic);
    expect(events.slice(0, publishAt)).toContain('save');
    await alerts.stop();
  });

  it('a hub leading again does not notify a firing alert muted since it fired (its history says "not muted")', async () => {
    const hook = await webhookReceiver();
    try {
      const stateDir = tempStateDir();
      const { first, store, clock, events } = await firingOnFirstLeader(hook, stateDir);
      const mute = first.addMute({
        department: 'environment',
        to: T0 + 3_600_000,
        reason: 'sensor maintenance',
      });
      expect(mute.ok).toBe(true);
      await first.stop();

      // The same hub (same folder: the firing message in its history) takes the lead again later.
      const second = service({ store, clock, leads: () => true, events, hookUrl: hook.url, stateDir });
      await second.start();
      expect(second.listMutes()).toHaveLength(1);
      expect(second.renotifyFiring()).toBe(0);
      await settle();
      expect(hook.requests.filter(firing)).toHaveLength(1);
      // Once the mute is over the alert is offered again (this hub's outbox knows it delivered it once).
      clock.now = T0 + 3_600_000;
      expect(second.renotifyFiring()).toBe(1);
      await second.stop();
    } finally {
      await hook.close();
    }
  });

  it('a new leader notifies a firing alert again under the same transition id, and resolves the same episode', async () => {
    const hook = await webhookReceiver();
    try {
      const { first, store, clock, events } = await firingOnFirstLeader(hook);
      const id = hook.requests[0]?.json.transitions[0]?.transition_id as string;
      await first.stop(); // stands for a leader that died: its successor reads the shared state

      const second = service({ store, clock, leads: () => true, events, hookUrl: hook.url });
      await second.start();
      expect(second.renotifyFiring()).toBe(1);
      await expect.poll(() => hook.requests.filter(firing).length, { timeout: 5_000 }).toBe(2);
      expect(hook.requests.filter(firing).map((r) => r.json.transitions[0]?.transition_id)).toEqual([id, id]);

      clock.now += 60_000;
      second.onPoints([air(20, clock.now)], clock.now);
      const resolved = (r: HookRequest) => r.json.transitions[0]?.state === 'resolved';
      await expect.poll(() => hook.requests.filter(resolved).length, { timeout: 5_000 }).toBe(1);
      expect(hook.requests.find(resolved)?.json.transitions[0]?.transition_id).toBe(
        id.replace(':firing:', ':resolved:'),
      );
      await second.stop();
    } finally {
      await hook.close();
    }
  });
});
