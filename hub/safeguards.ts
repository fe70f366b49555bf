/**
 * The hub's security and evidence parts, built in one place so hub.ts only plugs them in: the audit log,
 * the evidence archive of raw vessel messages, the InfluxDB retention check, and the HTTP API's guards
 * (operator tokens, rate limit, headers) with the track export route.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { collectDefaultMetrics } from 'prom-client';
import { resolveFrom } from '../config/load.ts';
import type { HubConfig } from '../config/schema.ts';
import { EvidenceArchive } from '../ingest/archive.ts';
import { keepRetention } from '../ingest/retention.ts';
import { AuditLog, httpActor } from './audit.ts';
import type { HttpSecurityOptions } from './http-security.ts';
import type { HubMetrics } from './metrics.ts';
import { trackRoutes } from './track.ts';

export interface Safeguards {
  audit: AuditLog;
  /** Undefined when `ingest.archive.enabled` is false. */
  archive: EvidenceArchive | undefined;
  httpSecurity: HttpSecurityOptions;
  /** `GET /api/vessels/{id}/track`, exports recorded in the audit log. */
  routes: Array<(app: FastifyInstance) => void>;
  close(): Promise<void>;
}

export async function openSafeguards(opts: {
  config: HubConfig;
  baseDir: string;
  log: Logger;
  metrics: HubMetrics;
  influxUrl: string;
  now: () => number;
}): Promise<Safeguards> {
  const { config, baseDir, log, metrics, influxUrl, now } = opts;
  // Memory, event-loop delay and GC on /metrics (the soak script reads them).
  collectDefaultMetrics({ register: metrics.registry });

  const audit = new AuditLog(resolveFrom(baseDir, config.log.auditFile), now);
  let archive: EvidenceArchive | undefined;
  try {
    if (config.ingest.archive.enabled) {
      archive = await EvidenceArchive.open({
        dir: resolveFrom(baseDir, config.ingest.archive.dir),
        log: log.child({ module: 'archive' }),
        // The last hash of each closed daily file, kept outside the archive as an anchor.
        onSeal: (s) =>
          audit.record({
            action: 'archive.seal',
            actor: 'hub',
            target: s.file,
            detail: { seq: s.seq, hash: s.hash },
          }),
      });
    }
  } catch (err) {
    audit.close();
    throw err;
  }
  const influx = { ...config.influx, url: influxUrl };
  const stopRetention = keepRetention(influx, log.child({ module: 'retention' }));
  if (config.http.tokens.length === 0)
    log.warn(
      'http.tokens is empty: the HTTP API answers loopback clients only (add tokens with `hub token`)',
    );

  return {
    audit,
    archive,
    httpSecurity: {
      tokens: config.http.tokens,
      rateLimitPerMinute: config.http.rateLimitPerMinute,
      rateLimitBurst: config.http.rateLimitBurst,
      registry: metrics.registry,
      now,
    },
    routes: [
      trackRoutes({
        influx,
        now,
        exported: (e) =>
          audit.record({
            action: 'track.export',
            actor: httpActor(e.operator),
            target: e.vessel,
            detail: { from: e.from, to: e.to, points: e.points, format: e.format },
          }),
      }),
    ],
    close: async () => {
      stopRetention();
      await archive?.close();
      audit.close();
    },
  };
}
