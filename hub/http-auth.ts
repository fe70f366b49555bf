/**
 * Bearer tokens for the operators of the HTTP API. The config keeps only each token's SHA-256 (like the
 * device secrets: a random token needs no slow hash) and its scopes: `read` for GET routes, `ack` for
 * routes that change state (acknowledging alerts, mutes). `/health/live` and `/health/ready` stay open for
 * load balancers. With no token configured the API answers loopback clients only (development, tests).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hashSecret, newSecret } from '../broker/auth.ts';

export const HTTP_SCOPES = ['read', 'ack'] as const;
export type HttpScope = (typeof HTTP_SCOPES)[number];

export const HttpTokenSchema = z
  .object({
    /** Who holds it (recorded in the audit log as the actor). */
    name: z.string().min(1),
    /** SHA-256 (hex) of the token: `npx hub token` prints a new token and its hash. */
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hex (`npx hub token`)'),
    scopes: z.array(z.enum(HTTP_SCOPES)).min(1),
  })
  .strict();

export type HttpToken = z.infer<typeof HttpTokenSchema>;

/** Routes that never need a token. */
export const OPEN_ROUTES: ReadonlySet<string> = new Set([
  '/health/live',
  '/health/ready',
  '/ui/login',
  '/ui/operator.css',
]);

/** The operator page's browser login keeps the token in this cookie (HttpOnly, SameSite=Strict). */
export const TOKEN_COOKIE = 'hub_token';

/** `Authorization` as sent, else a bearer token from the login cookie (browsers cannot add the header). */
export function credentialsOf(req: FastifyRequest): string | undefined {
  if (req.headers.authorization) return req.headers.authorization;
  const cookie = req.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${TOKEN_COOKIE}=`));
  return cookie ? `Bearer ${decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1))}` : undefined;
}

export const hashToken = (token: string): string => hashSecret(token);

/** A new operator token: 192 random bits, URL-safe. */
export const newToken = (): string => newSecret();

declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the operator token that authenticated this request ('' = none: open route or loopback). */
    operator: string;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; default: `read` for GET/HEAD, `ack` for the rest. */
    scope?: HttpScope;
  }
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function requiredScope(req: FastifyRequest): HttpScope {
  const configured = req.routeOptions?.config?.scope;
  if (configured) return configured;
  return req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'ack';
}

export type AuthOutcome =
  | { ok: true; operator: string }
  | { ok: false; status: 401 | 403; reason: 'missing_token' | 'bad_token' | 'scope' | 'not_loopback' };

/** The tokens as a lookup by hash. */
export function tokenTable(tokens: readonly HttpToken[]): Map<string, HttpToken> {
  return new Map(tokens.map((t) => [t.hash, t]));
}

/** Decides one request: no token configured → loopback only; else a bearer token with the scope. */
export function authorizeRequest(
  table: ReadonlyMap<string, HttpToken>,
  authorization: string | undefined,
  remoteAddress: string | undefined,
  scope: HttpScope,
): AuthOutcome {
  if (table.size === 0) {
    return isLoopback(remoteAddress)
      ? { ok: true, operator: '' }
      : { ok: false, status: 401, reason: 'not_loopback' };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return { ok: false, status: 401, reason: 'missing_token' };
  const token = table.get(hashToken(match[1] as string));
  if (!token) return { ok: false, status: 401, reason: 'bad_token' };
  if (!token.scopes.includes(scope)) return { ok: false, status: 403, reason: 'scope' };
  return { ok: true, operator: token.name };
}

const MESSAGES: Record<Exclude<AuthOutcome, { ok: true }>['reason'], string> = {
  missing_token: 'this API needs an operator token: Authorization: Bearer <token>',
  bad_token: 'unknown operator token',
  scope: 'the token does not carry the scope this route needs',
  not_loopback: 'no http.tokens configured: the API answers loopback clients only',
};

/** The fastify onRequest hook; `refused` counts refusals by reason. */
export function tokenAuthHook(tokens: readonly HttpToken[], refused: (reason: string) => void) {
  const table = tokenTable(tokens);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    req.operator = '';
    const path = req.url.split('?', 1)[0] as string;
    if (OPEN_ROUTES.has(path)) return undefined;
    const scope = requiredScope(req);
    const outcome = authorizeRequest(table, credentialsOf(req), req.socket.remoteAddress, scope);
    if (outcome.ok) {
      req.operator = outcome.operator;
      return undefined;
    }
    refused(outcome.reason);
    // A browser on the operator page goes to the login form instead of a JSON 401.
    if (outcome.status === 401 && req.method === 'GET' && /text\/html/.test(req.headers.accept ?? '')) {
      return reply.redirect('/ui/login', 303);
    }
    if (outcome.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="hub"');
    const error = outcome.reason === 'scope' ? `${MESSAGES.scope} (${scope})` : MESSAGES[outcome.reason];
    // Returning the reply ends the request here: later hooks and the handler do not run.
    return reply.code(outcome.status).send({ error });
  };
}
