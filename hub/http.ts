/**
 * The hub's HTTP API (fastify): health for load balancers and people, Prometheus metrics, and the
 * latest state per entity. Other modules add their routes through `routes` (alerts, vessels, mutes).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HealthReport } from './health.ts';
import { type HttpSecurityOptions, installHttpSecurity } from './http-security.ts';
import type { LatestState } from './latest.ts';
import type { HubMetrics } from './metrics.ts';

export interface HttpDeps {
  log: Logger;
  metrics: HubMetrics;
  health(): HealthReport;
  latest: LatestState;
  /** Operator tokens, rate limit, security headers (hub/http-security.ts); the hub always sets them. */
  security?: HttpSecurityOptions;
  /** Extra routes registered by other modules. */
  routes?: Array<(app: FastifyInstance) => void>;
}

export function buildHttpApp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    // Request lines are info-level: keep them out of the hub's log unless it runs at debug.
    loggerInstance: deps.log.child(
      { module: 'http' },
      { level: deps.log.level === 'debug' ? 'debug' : 'warn' },
    ) as FastifyBaseLogger,
  }) as unknown as FastifyInstance;
  if (deps.security) installHttpSecurity(app, deps.security);

  app.get('/health/live', async () => ({ status: 'ok' }));

  app.get('/health/ready', async (_req, reply) => {
    const health = deps.health();
    return reply.code(health.ready ? 200 : 503).send({ ready: health.ready, reasons: health.reasons });
  });

  app.get('/health', async (_req, reply) => {
    const health = deps.health();
    return reply.code(health.ready ? 200 : 503).send(health);
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });

  app.get<{ Querystring: { measurement?: string } }>('/api/latest', async (req, reply) => {
    const { measurement } = req.query;
    if (measurement && !deps.latest.measurements().includes(measurement)) {
      return reply.code(404).send({ error: `no latest state for measurement ${measurement}` });
    }
    return deps.latest.snapshot(measurement);
  });

  for (const register of deps.routes ?? []) register(app);
  return app;
}
