/**
 * The HTTP API's guards through fastify's inject: operator bearer tokens with scopes, open health checks
 * for load balancers, loopback-only access when no token is configured, security headers on every
 * answer, and the per-address rate limit.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../hub/http.ts';
import { hashToken } from '../../hub/http-auth.ts';
import type { HttpSecurityOptions } from '../../hub/http-security.ts';
import { LatestState } from '../../hub/latest.ts';
import { silentLogger } from '../../hub/log.ts';
import { HubMetrics } from '../../hub/metrics.ts';

const READER = 'reader-token-4f1c2b9a7e';
const ACKER = 'acker-token-9d8e7f6a5b';

let apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps) await app.close();
  apps = [];
});

function app(security: Partial<HttpSecurityOptions> = {}, nowMs = () => 1_000_000): FastifyInstance {
  const metrics = new HubMetrics();
  const built = buildHttpApp({
    log: silentLogger,
    metrics,
    latest: new LatestState(),
    health: () => ({ status: 'ok', ready: true, instance: 't', uptimeS: 1, components: {}, reasons: [] }),
    security: {
      tokens: [
        { name: 'wall', hash: hashToken(READER), scopes: ['read'] },
        { name: 'duty-officer', hash: hashToken(ACKER), scopes: ['read', 'ack'] },
      ],
      rateLimitPerMinute: 0,
      rateLimitBurst: 1,
      registry: metrics.registry,
      now: nowMs,
      ...security,
    },
    routes: [
      (a) =>
        a.post('/api/alerts/:id/ack', async (req) => ({
          acked: (req.params as { id: string }).id,
          by: req.operator,
        })),
    ],
  });
  apps.push(built);
  return built;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('operator tokens', () => {
  it('keeps /health/live and /health/ready open and guards everything else', async () => {
    const a = app();
    expect((await a.inject({ url: '/health/live' })).statusCode).toBe(200);
    expect((await a.inject({ url: '/health/ready' })).statusCode).toBe(200);
    for (const url of ['/health', '/metrics', '/api/latest']) {
      const res = await a.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect((await a.inject({ url: '/api/latest', headers: bearer('wrong') })).statusCode).toBe(401);
    expect((await a.inject({ url: '/api/latest', headers: bearer(READER) })).statusCode).toBe(200);
    expect((await a.inject({ url: '/metrics', headers: bearer(READER) })).statusCode).toBe(200);
  });

  it('needs the ack scope for routes that change state, and names the operator', async () => {
    const a = app();
    const asReader = await a.inject({ method: 'POST', url: '/api/alerts/a1/ack', headers: bearer(READER) });
    expect(asReader.statusCode).toBe(403);
    expect(asReader.json().error).toMatch(/scope.*ack/);
    const asAcker = await a.inject({ method: 'POST', url: '/api/alerts/a1/ack', headers: bearer(ACKER) });
    expect(asAcker.statusCode).toBe(200);
    expect(asAcker.json()).toEqual({ acked: 'a1', by: 'duty-officer' });
  });

  it('without configured tokens answers loopback clients only', async () => {
    const a = app({ tokens: [] });
    expect((await a.inject({ url: '/api/latest', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expect((await a.inject({ url: '/api/latest', remoteAddress: '::1' })).statusCode).toBe(200);
    const remote = await a.inject({ url: '/api/latest', remoteAddress: '10.20.30.40' });
    expect(remote.statusCode).toBe(401);
    expect(remote.json().error).toMatch(/loopback/);
    expect((await a.inject({ url: '/health/ready', remoteAddress: '10.20.30.40' })).statusCode).toBe(200);
  });
});

describe('security headers', () => {
  it('are on every answer, refusals and 404s included', async () => {
    const a = app();
    for (const res of [
      await a.inject({ url: '/health/live' }),
      await a.inject({ url: '/api/latest' }),
      await a.inject({ url: '/nowhere', headers: bearer(READER) }),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    }
    expect((await a.inject({ url: '/api/latest', headers: bearer(READER) })).headers['cache-control']).toBe(
      'no-store',
    );
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the burst, per address, and never for health checks', async () => {
    let now = 5_000_000;
    const a = app({ rateLimitPerMinute: 60, rateLimitBurst: 3 }, () => now);
    const get = (remoteAddress: string, url = '/api/latest') =>
      a.inject({ url, remoteAddress, headers: bearer(READER) });
    for (let i = 0; i < 3; i++) expect((await get('10.0.0.1')).statusCode).toBe(200);
    const limited = await get('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect((await get('10.0.0.2')).statusCode).toBe(200); // another address has its own bucket
    for (let i = 0; i < 10; i++) expect((await get('10.0.0.1', '/health/ready')).statusCode).toBe(200);
    now += 1000; // one request a second comes back
    expect((await get('10.0.0.1')).statusCode).toBe(200);
    expect((await get('10.0.0.1')).statusCode).toBe(429);
    const metrics = await a.inject({ url: '/metrics', headers: bearer(READER), remoteAddress: '10.0.0.9' });
    expect(metrics.body).toMatch(/hub_http_refused_total\{reason="rate_limited"\} 2/);
  });
});
