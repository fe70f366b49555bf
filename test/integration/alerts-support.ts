/**
 * Shared pieces of the alerts integration tests against the real hub: a rules file in a temp dir, the
 * hub's `alerts` section pointing at real loopback peers (webhook receiver, SMTP server), the hub
 * started with both, an MQTT recorder of `alerts/#`, the HMAC check a webhook receiver makes, the active
 * alerts and `alert` rows from InfluxDB.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { stringify } from 'yaml';
import type { ActiveAlert } from '../../alerts/active.ts';
import type { AlertsConfigInput } from '../../alerts/config.ts';
import type { RuleInput } from '../../alerts/rule-schema.ts';
import type { Device } from '../../ingest/registry.ts';
import {
  type HookRequest,
  type SmtpReceiver,
  smtpReceiver,
  type WebhookReceiver,
  webhookReceiver,
} from '../alerts/service-support.ts';
import { eventually, mqttClient, startTestHub, type TestHub } from '../helpers/hub.ts';
import { query, type Row } from '../helpers/influxd.ts';

export const HOOK_SECRET = 'hue-ioc-shared-secret';

const made: string[] = [];

/** A temp dir, deleted by `removeTempDirs` (afterAll). */
export function tempDir(prefix = 'alerts-int-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `rules` as a YAML rules file (`{ rules: [...] }`) and returns its path. */
export function writeRules(file: string, rules: RuleInput[]): string {
  writeFileSync(file, stringify({ description: 'integration test rules', rules }));
  return file;
}

/** The hub's `alerts` section: the rules file, webhook (signed) and optional e-mail per department. */
export function alertsSection(opts: {
  rulesFile: string;
  hookUrl: string;
  departments: string[];
  smtpPort?: number;
  groupWindowMs?: number;
  repeatIntervalMs?: number;
}): AlertsConfigInput {
  const departments: NonNullable<NonNullable<AlertsConfigInput['notifiers']>['departments']> = {};
  for (const d of opts.departments) {
    departments[d] = [
      { kind: 'webhook', url: opts.hookUrl, secret: HOOK_SECRET, timeoutMs: 5000 },
      ...(opts.smtpPort ? [{ kind: 'email' as const, to: `${d}@hue.gov.vn` }] : []),
    ];
  }
  return {
    rulesFile: opts.rulesFile,
    groupWindowMs: opts.groupWindowMs ?? 300,
    repeatIntervalMs: opts.repeatIntervalMs ?? 0,
    notifiers: {
      departments,
      ...(opts.smtpPort
        ? { smtp: { host: '127.0.0.1', port: opts.smtpPort, from: 'hub@hue.gov.vn', timeoutMs: 5000 } }
        : {}),
      retry: { minMs: 100, maxMs: 1000 },
    },
  };
}

export interface AlertsHub {
  t: TestHub;
  hook: WebhookReceiver;
  /** Started only when asked for (`smtp: true`). */
  smtp: SmtpReceiver | undefined;
  rulesFile: string;
  /** Stops the hub, then its peers, and removes the temp dirs. */
  stop(): Promise<void>;
}

/**
 * The real hub with `devices` and `rules` (written to a temp rules file), notifying a loopback webhook
 * receiver, and with `smtp: true` a real SMTP server, for each of `departments`.
 */
export async function startAlertsHub(opts: {
  devices: Device[];
  rules: RuleInput[];
  departments: string[];
  smtp?: boolean;
  groupWindowMs?: number;
  repeatIntervalMs?: number;
}): Promise<AlertsHub> {
  const { devices, rules, smtp: withSmtp, ...section } = opts;
  const hook = await webhookReceiver();
  const smtp = withSmtp ? await smtpReceiver() : undefined;
  const closePeers = async () => {
    await hook.close();
    await smtp?.close();
    removeTempDirs();
  };
  try {
    const rulesFile = writeRules(join(tempDir(), 'rules.yaml'), rules);
    const t = await startTestHub({
      devices: { entries: devices },
      alerts: alertsSection({
        rulesFile,
        hookUrl: hook.url,
        ...section,
        ...(smtp ? { smtpPort: smtp.port } : {}),
      }),
    });
    const stop = async () => {
      await t.stop();
      await closePeers();
    };
    return { t, hook, smtp, rulesFile, stop };
  } catch (err) {
    await closePeers();
    throw err;
  }
}

/** Publishes one message (QoS 1) from a client of its own, connected for just that. */
export async function publishOnce(t: TestHub, topic: string, payload: string): Promise<void> {
  const client = await mqttClient(t.hub.mqttPort);
  await client.publishAsync(topic, payload, { qos: 1 });
  await client.endAsync();
}

/** `GET /api/alerts` (with a `?department=` query if given). */
export async function activeAlerts(t: TestHub, query = ''): Promise<ActiveAlert[]> {
  return (await t.hub.app.inject({ method: 'GET', url: `/api/alerts${query}` })).json() as ActiveAlert[];
}

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, checked as a receiver would. */
export function signatureValid(req: HookRequest, secret = HOOK_SECRET): boolean {
  const header = req.headers['x-hub-signature-256'];
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(req.body).digest('hex')}`);
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** A real mqtt.js subscriber of `filter`, recording every message with its retain flag. */
export async function mqttRecorder(
  port: number,
  filter = 'alerts/#',
): Promise<{ client: MqttClient; messages: Received[]; close(): Promise<void> }> {
  const client = await mqttClient(port);
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) =>
    messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }),
  );
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, messages, close: () => client.endAsync() };
}

/** The retained messages under `filter` now: a fresh subscriber, given time to receive them. */
export async function retainedNow(port: number, filter: string, settleMs = 1000): Promise<Received[]> {
  const rec = await mqttRecorder(port, filter);
  await new Promise((r) => setTimeout(r, settleMs));
  await rec.close();
  return rec.messages.filter((m) => m.retain);
}

/** `alert` rows of one rule (and `and`), once at least `atLeast` are in InfluxDB (else what there is). */
export async function alertRows(
  t: TestHub,
  rule: string,
  atLeast: number,
  and = '',
  timeoutMs = 20_000,
): Promise<Row[]> {
  const q = `SELECT * FROM alert WHERE "rule" = '${rule}'${and ? ` AND ${and}` : ''} ORDER BY time`;
  const rows = await eventually(async () => {
    const r = await query(t.influxUrl, t.database, q).catch(() => []);
    return r.length >= atLeast ? r : null;
  }, timeoutMs);
  return rows ?? (await query(t.influxUrl, t.database, q).catch(() => []));
}

/** A VMS report as a terminal sends it (DESIGN.md `vessels/{vessel}/vms`). */
export function vmsReport(lat: number, lon: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    time: new Date(Date.now() - 1000).toISOString(),
    lat,
    lon,
    speed_kn: 6.5,
    course_deg: 90,
    ...extra,
  });
}
