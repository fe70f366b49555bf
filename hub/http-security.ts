/**
 * The HTTP API's guards, installed before any route: a per-address rate limit (token bucket), operator
 * tokens (http-auth.ts) and security headers on every answer (the subset of helmet's defaults that matters
 * for a JSON API and a server-rendered page with its own scripts and styles).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { TokenBucket } from '../broker/token-bucket.ts';
import { type HttpToken, OPEN_ROUTES, tokenAuthHook } from './http-auth.ts';

export interface HttpSecurityOptions {
  tokens: readonly HttpToken[];
  /** Requests per minute per client address; 0 = no limit. */
  rateLimitPerMinute: number;
  rateLimitBurst: number;
  /** Where the refusal counters go (the hub's metrics registry). */
  registry?: Registry;
  now?: () => number;
}

/** A page the hub renders itself loads only its own scripts, styles and images; nothing may frame it. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

/** Per-address buckets, forgotten once full again so an address scan cannot grow the map for ever. */
export class AddressRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  #lastSweepMs = 0;

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
  ) {}

  /** 0 when the request may pass, else the milliseconds to wait. */
  check(address: string, nowMs: number): number {
    if (this.perMinute <= 0) return 0;
    this.#sweep(nowMs);
    let bucket = this.#buckets.get(address);
    if (!bucket) {
      bucket = new TokenBucket(this.perMinute / 60, this.burst, nowMs);
      this.#buckets.set(address, bucket);
    }
    return bucket.take(nowMs) ? 0 : Math.max(1, bucket.waitMs(nowMs));
  }

  get size(): number {
    return this.#buckets.size;
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < 60_000 && this.#buckets.size < 10_000) return;
    this.#lastSweepMs = nowMs;
    for (const [address, bucket] of this.#buckets) if (bucket.isFull(nowMs)) this.#buckets.delete(address);
  }
}

export function installHttpSecurity(app: FastifyInstance, opts: HttpSecurityOptions): void {
  const now = opts.now ?? Date.now;
  const refused = new Counter({
    name: 'hub_http_refused_total',
    help: 'HTTP requests refused before their route ran, by reason (rate_limited, missing_token, ...)',
    labelNames: ['reason'],
    registers: opts.registry ? [opts.registry] : [],
  });
  const limiter = new AddressRateLimiter(opts.rateLimitPerMinute, opts.rateLimitBurst);

  app.decorateRequest('operator', '');
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?', 1)[0] as string;
    if (OPEN_ROUTES.has(path)) return undefined; // load balancers poll these; never a 429
    const waitMs = limiter.check(req.socket.remoteAddress ?? '?', now());
    if (waitMs === 0) return undefined;
    refused.inc({ reason: 'rate_limited' });
    reply.header('Retry-After', String(Math.ceil(waitMs / 1000)));
    return reply.code(429).send({ error: 'too many requests: slow down' });
  });
  app.addHook(
    'onRequest',
    tokenAuthHook(opts.tokens, (reason) => refused.inc({ reason })),
  );
  app.addHook('onSend', async (req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    // Operators' data (tracks for enforcement cases, alerts) must not linger in shared caches.
    if (req.url.startsWith('/api/')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
}
