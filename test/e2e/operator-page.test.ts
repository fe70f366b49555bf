/**
 * The operator page in a real browser (Debian's chromium driven by playwright-core) against the real
 * hub: a duty officer acknowledges a firing alert with the page's Ack form; the alert shows as
 * acknowledged and is no longer re-notified, while an unacknowledged control alert keeps being repeated.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveAlert } from '../../alerts/active.ts';
import type { Device } from '../../ingest/registry.ts';
import { PM25_HIGH } from '../alerts/rules.ts';
import type { WebhookReceiver } from '../alerts/service-support.ts';
import { eventually, mqttClient, type TestHub } from '../helpers/hub.ts';
import { type AlertsHub, activeAlerts, startAlertsHub } from '../integration/alerts-support.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/operator-page.png';
const OFFICER = 'Nguyễn Thị Hoa';

const devices: Device[] = [
  { id: 'hue-aq-01', kind: 'station', medium: 'air' },
  { id: 'hue-aq-02', kind: 'station', medium: 'air' },
];
const PM25 = { ...PM25_HIGH, messageVi: 'Bụi mịn PM2.5 tại trạm {station} là {value} µg/m³, vượt ngưỡng 50' };

describe('operator page in Chromium', () => {
  let hub: AlertsHub;
  let t: TestHub;
  let hook: WebhookReceiver;
  let browser: Browser;

  beforeAll(async () => {
    // Not skipped when missing: the issue requires this test (`.ci/run` installs Debian's chromium).
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
    hub = await startAlertsHub({
      devices,
      rules: [PM25],
      departments: ['environment'],
      // Repeats every 1.5 s (checked on the 1 s clock), so a missing ack shows within seconds.
      repeatIntervalMs: 1500,
    });
    ({ t, hook } = hub);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  const active = () => activeAlerts(t);
  /** Repeat notices the webhook received for one station (repeats of several stations may be grouped). */
  const repeatsOf = (station: string) =>
    hook.requests
      .filter((r) => r.json.reason === 'repeat')
      .flatMap((r) => r.json.transitions)
      .filter((x) => x.entity === station).length;

  async function openPage(lang = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const res = await page.goto(`http://127.0.0.1:${t.hub.httpPort}/${lang}`);
    expect(res?.status()).toBe(200);
    return page;
  }

  it('Ack clicked on the page acknowledges the alert and stops its repeats; the control is still repeated', async () => {
    const station = await mqttClient(t.hub.mqttPort);
    for (const [id, pm25] of [
      ['hue-aq-01', 78],
      ['hue-aq-02', 66],
    ] as const)
      await station.publishAsync(`stations/${id}/readings`, JSON.stringify({ values: { pm25 } }), { qos: 1 });
    await station.endAsync();
    expect(await eventually(async () => (await active()).length === 2, 20_000)).toBe(true);
    const target = (await active()).find((a) => a.entity === 'hue-aq-01') as ActiveAlert;

    const page = await openPage();
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await expect.poll(() => page.title()).toContain('Cảnh báo');
    const row = page.locator(`tr[data-alert="${target.id}"]`);
    expect(await row.textContent()).toContain('Bụi mịn PM2.5 tại trạm hue-aq-01 là 78 µg/m³');
    expect(await page.locator('section[data-department="environment"] tbody tr').count()).toBe(2);
    // The stylesheet is a same-origin file: the hub's CSP (style-src 'self') ignores inline styles.
    // (Browser-side expressions as text: the project's TypeScript has no DOM types.)
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(17, 17, 17)');
    expect(await page.evaluate(`getComputedStyle(document.querySelector('form.ack')).display`)).toBe('flex');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await row.locator('input[name="by"]').fill(OFFICER);
    await Promise.all([
      page.waitForURL(/\/\?lang=vi$/),
      row.getByRole('button', { name: 'Xác nhận' }).click(),
    ]);

    // After the 303 back to the page: acknowledged by the officer, no Ack form left on that row.
    const acked = page.locator(`tr[data-alert="${target.id}"]`);
    expect(await acked.textContent()).toContain(`Đã xác nhận: ${OFFICER}`);
    expect(await acked.locator('form').count()).toBe(0);
    expect(await page.locator('tr[data-alert] form.ack').count()).toBe(1);
    const api = (await active()).find((a) => a.id === target.id);
    expect(api?.ack?.by).toBe(OFFICER);

    // Repeats: the control keeps coming every ~1.5 s; the acked alert's stop. A repeat of the acked one
    // staged just before the click may still arrive, so the count is taken once two control repeats
    // made after the ack have arrived (one notifier's queue is delivered in order).
    const controlAtAck = repeatsOf('hue-aq-02');
    expect(await eventually(() => repeatsOf('hue-aq-02') >= controlAtAck + 2, 30_000)).toBe(true);
    const ackedCount = repeatsOf('hue-aq-01');
    expect(await eventually(() => repeatsOf('hue-aq-02') >= controlAtAck + 4, 30_000)).toBe(true);
    expect(repeatsOf('hue-aq-01')).toBe(ackedCount);
    await page.close();
  });

  it('the English page shows the same alerts, the acknowledgement and the hub status', async () => {
    const page = await openPage('?lang=en');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('Active alerts');
    expect(text).toContain(`Acknowledged: ${OFFICER}`);
    expect(text).toContain('PM2.5 at hue-aq-02 is 66 µg/m³');
    expect(text).toContain('(GMT+7)');
    expect(await page.locator('#hub-status').textContent()).toContain('test-hub');
    await page.close();
  });
});
