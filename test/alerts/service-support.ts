/**
 * Real peers for the alerts service tests: a webhook receiver (node http on 127.0.0.1:0) and an SMTP
 * server (`smtp-server` on 127.0.0.1:0), a minimal MIME reader for what nodemailer sends, and a
 * harness that builds an AlertService on an injected clock with recording publish/writePoints.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterEach } from 'vitest';
import { type AlertsConfigInput, AlertsConfigSchema } from '../../alerts/config.ts';
import { AlertService, type AlertServiceOptions } from '../../alerts/service.ts';
import type { Point } from '../../ingest/point.ts';
import { type Device, Registry } from '../../ingest/registry.ts';
import { FIXTURES, T0 } from './support.ts';

export interface HookRequest {
  headers: IncomingHttpHeaders;
  body: string;
  json: {
    id: string;
    reason: string;
    rule: string;
    state: string;
    count: number;
    transitions: Array<Record<string, unknown>>;
  };
}

/**
 * Registers an afterEach that runs the cleanups pushed during the test, last first (stop the service
 * before closing the peers it talks to); returns the push.
 */
export function cleanupAfterEach(): (...cleanups: Array<() => unknown>) => void {
  let pending: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of pending.reverse()) await c();
    pending = [];
  });
  return (...cleanups) => {
    pending.push(...cleanups);
  };
}

/** A webhook receiver answering each POST with the next status of `statuses` (then 200). */
export async function webhookReceiver(statuses: number[] = []) {
  const requests: HookRequest[] = [];
  const answered: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      answered.push(status);
      if (status === 200) requests.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Mail {
  headers: Record<string, string>;
  subject: string;
  text: string;
  to: string[];
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i] as string, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

// RFC 2047 encoded words (=?UTF-8?Q?...?= / =?UTF-8?B?...?=), as nodemailer writes a UTF-8 subject.
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_w, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

/** A single-part text message as nodemailer writes it. */
export function readMail(raw: string, to: string[]): Mail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = raw.slice(split + 4);
  const encoding = headers['content-transfer-encoding']?.toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return { headers, subject: decodeWords(headers.subject ?? ''), text, to };
}

export type WebhookReceiver = Awaited<ReturnType<typeof webhookReceiver>>;

export async function smtpReceiver() {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(
          readMail(
            Buffer.concat(chunks).toString('utf8'),
            session.envelope.rcptTo.map((r) => r.address),
          ),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export type SmtpReceiver = Awaited<ReturnType<typeof smtpReceiver>>;

export interface Published {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
}

export interface Harness {
  service: AlertService;
  clock: { now: number };
  published: Published[];
  points: Point[];
  stateDir: string;
  /** A new service on the same state dir (a restart); the old one must be stopped first. */
  restart(overrides?: Partial<AlertServiceOptions>): Promise<Harness>;
  cleanup(): void;
}

/** Moves the injected clock on and runs the service's clock once. */
export function advance(h: Harness, ms: number): void {
  h.clock.now += ms;
  h.service.tick();
}

export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'alerts-test-'));
}

export async function harness(
  config: AlertsConfigInput,
  options: {
    devices?: Device[];
    stateDir?: string;
    query?: AlertServiceOptions['query'];
    clock?: { now: number };
  } = {},
): Promise<Harness> {
  const stateDir = options.stateDir ?? tempStateDir();
  const clock = options.clock ?? { now: T0 };
  const published: Published[] = [];
  const points: Point[] = [];
  const parsed = AlertsConfigSchema.parse({ ...config, stateDir });
  const service = new AlertService({
    config: parsed,
    baseDir: FIXTURES,
    registry: new Registry(options.devices ?? []),
    log: pino({ level: 'silent' }),
    now: () => clock.now,
    instance: 'test-hub',
    publish: async (topic, payload, opts) => {
      published.push({ topic, payload: payload.toString(), retain: opts.retain, qos: opts.qos });
    },
    writePoints: (p) => points.push(...p),
    tickMs: 0,
    ...(options.query ? { query: options.query } : {}),
  });
  await service.start();
  const self: Harness = {
    service,
    clock,
    published,
    points,
    stateDir,
    restart: (overrides = {}) =>
      harness(config, {
        ...options,
        stateDir,
        clock,
        ...(overrides.query ? { query: overrides.query } : {}),
      }),
    cleanup: () => rmSync(stateDir, { recursive: true, force: true }),
  };
  return self;
}
