import { describe, expect, it, vi } from 'vitest';
import type { AlertsConfigInput } from '../../alerts/config.ts';
import { validatePoint } from '../../ingest/schema.ts';
import { VESSEL_SILENT_6H, VESSEL_SILENT_VI } from './rules.ts';
import { cleanupAfterEach, type Harness, harness, smtpReceiver, webhookReceiver } from './service-support.ts';
import { HOUR, point, T0 } from './support.ts';

const VMS_6H = { ...VESSEL_SILENT_6H, onlyAtSea: true, messageVi: VESSEL_SILENT_VI };

const position = (vessel: string, lat: number, lon: number, source = 'vms') =>
  point('vessel_position', { vessel, source }, { lat, lon, sog_kn: 5 });

const deferCleanup = cleanupAfterEach();

describe('fleet state', () => {
  it('gives departure and arrival events at the port geofences, published as one-shot events', async () => {
    const h = await harness(
      { rulesFile: 'rules/none.yaml' },
      { devices: [{ id: 'TTH-90123-TS', kind: 'vessel', homePort: 'Thuan An', lengthM: 16 }] },
    );
    deferCleanup(h.cleanup, () => h.service.stop());
    const v = 'TTH-90123-TS';
    h.service.onPoints([position(v, 16.558, 107.64)], T0); // moored at Thuan An: no event
    h.service.onPoints([position(v, 16.62, 107.7)], T0 + 60_000);
    h.service.onPoints([position(v, 16.75, 107.85)], T0 + 120_000);
    h.service.onPoints([position(v, 16.3, 107.92)], T0 + 180_000); // into Tu Hien
    expect(h.points.map((p) => `${p.tags.rule} ${p.fields.state} ${p.fields.message}`)).toEqual([
      'vessel-departure firing Vessel TTH-90123-TS left Thuan An (16.6200, 107.7000)',
      'vessel-departure resolved Vessel TTH-90123-TS left Thuan An',
      'vessel-arrival firing Vessel TTH-90123-TS arrived at Tu Hien',
      'vessel-arrival resolved Vessel TTH-90123-TS arrived at Tu Hien',
    ]);
    await vi.waitFor(() => expect(h.published).toHaveLength(4));
    expect(h.published.every((m) => !m.retain && m.payload !== '')).toBe(true);
    expect(h.service.listActive()).toEqual([]);
  });

  it('snapshots one valid vessel_state point per known vessel: position, silent minutes, at sea, zone', async () => {
    const devices = [
      { id: 'TTH-1-TS', kind: 'vessel' as const, homePort: 'Thuan An' },
      { id: 'TTH-NEVER-TS', kind: 'vessel' as const },
    ];
    const h = await harness({ rulesFile: 'rules/none.yaml' }, { devices });
    deferCleanup(h.cleanup, () => h.service.stop());
    h.service.onPoints(
      [
        position('TTH-1-TS', 16.75, 107.85),
        position('mmsi:574000001', 17.6, 108.5, 'ais'),
        point('vessel_position', { vessel: 'TTH-1-TS', source: 'nmea' }, { lat: 1, lon: 1, fix: 0 }),
      ],
      T0,
    );
    const points = h.service.fleet().snapshot(T0 + 95 * 60_000);
    expect(points.map(validatePoint)).toEqual([null, null, null]);
    expect(points.map((p) => [p.tags, p.fields])).toEqual([
      [
        { vessel: 'TTH-1-TS', home_port: 'Thuan An' },
        { at_sea: true, zone: 'midshore', lat: 16.75, lon: 107.85, silent_min: 95 },
      ],
      [
        { vessel: 'mmsi:574000001' },
        { at_sea: true, zone: 'outside', lat: 17.6, lon: 108.5, silent_min: 95 },
      ],
      [{ vessel: 'TTH-NEVER-TS' }, { at_sea: false, zone: 'unknown' }],
    ]);
  });

  it('40 vessels silent at once: 40 alert points and MQTT messages, one grouped notification per notifier', async () => {
    const hook = await webhookReceiver();
    const smtp = await smtpReceiver();
    const config: AlertsConfigInput = {
      rules: [VMS_6H],
      notifiers: {
        departments: {
          fisheries: [
            { kind: 'webhook', url: hook.url },
            { kind: 'email', to: ['vms@hue.gov.vn'] },
          ],
        },
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'hub@hue.gov.vn' },
      },
    };
    const h: Harness = await harness(config);
    deferCleanup(h.cleanup, hook.close, smtp.close, () => h.service.stop());
    const fleet = Array.from({ length: 40 }, (_, i) => `TTH-${90100 + i}-TS`);
    h.service.onPoints(
      fleet.map((v, i) => position(v, 16.8 + i * 0.01, 107.9)),
      T0,
    );
    h.clock.now = T0 + 6 * HOUR + 1000; // the storm: nobody reported
    h.service.tick();
    expect(h.points).toHaveLength(40);
    expect(h.points.every((p) => validatePoint(p) === null && p.fields.state === 'firing')).toBe(true);
    expect(new Set(h.points.map((p) => p.tags.entity)).size).toBe(40);
    await vi.waitFor(() => expect(h.published).toHaveLength(40));
    expect(h.published.every((m) => m.retain)).toBe(true);

    h.clock.now += 2000;
    h.service.tick();
    await vi.waitFor(() => expect(hook.requests).toHaveLength(1));
    await vi.waitFor(() => expect(smtp.mails).toHaveLength(1));
    const [req] = hook.requests;
    expect(req!.json.count).toBe(40);
    expect(req!.json.transitions.map((t) => t.entity)).toEqual(fleet);
    expect(req!.headers['x-hub-transition-id']).toMatch(/^vms-silent-6h:group:firing:[0-9a-f]{20}$/);
    expect(smtp.mails[0]!.subject).toContain('40 đối tượng');
    expect(smtp.mails[0]!.text.match(/^- TTH-\d+-TS: Tàu/gm)).toHaveLength(40);
    h.clock.now += 60_000;
    h.service.tick();
    await vi.waitFor(() =>
      expect(h.service.metrics().byNotifier).toMatchObject({
        'fisheries/webhook#0': { sent: 1, pending: 0 },
        'fisheries/email#1': { sent: 1, pending: 0 },
        mqtt: { sent: 40, pending: 0 },
      }),
    );
  });
});
