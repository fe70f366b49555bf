/**
 * One HTTP request to InfluxDB's v1 API (`/write`, `/query`, `/ping`): InfluxDB 1.x, 2.x (its
 * v1-compatible API) and 3.x all serve it. Keep-alive sockets; basic auth or `Authorization: Token`.
 */
import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface InfluxAuth {
  username?: string;
  password?: string;
  /** InfluxDB 2.x/3.x token. */
  token?: string;
}

export interface HttpResult {
  /** HTTP status; 0 when no answer came (see `error`). */
  status: number;
  /** Response body, or the socket error's message. */
  body: string;
  /** Request duration. */
  ms: number;
  error?: 'network' | 'timeout' | 'aborted';
}

export const isSuccess = (r: HttpResult): boolean => r.status >= 200 && r.status < 300;

export class InfluxHttp {
  private readonly base: URL;
  private readonly agent: HttpAgent;
  private readonly auth: string | undefined;
  private readonly inFlight = new Set<ClientRequest>();
  private closed = false;

  constructor(
    url: string,
    auth: InfluxAuth,
    private readonly timeoutMs: number,
    maxSockets: number,
  ) {
    this.base = new URL(url.endsWith('/') ? url : `${url}/`);
    const AgentClass = this.base.protocol === 'https:' ? HttpsAgent : HttpAgent;
    this.agent = new AgentClass({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
    if (auth.token) this.auth = `Token ${auth.token}`;
    else if (auth.username !== undefined)
      this.auth = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
  }

  /** `path` relative to the base URL (a reverse-proxy prefix in `influx.url` is kept), e.g. `write?db=x`. */
  async send(method: 'GET' | 'POST', path: string, body?: Buffer, contentType?: string): Promise<HttpResult> {
    const first = await this.once(method, path, body, contentType);
    if (first.status !== 0 || first.body !== 'ECONNRESET_REUSED') return first;
    return this.once(method, path, body, contentType);
  }

  private once(method: string, path: string, body?: Buffer, contentType?: string): Promise<HttpResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      if (this.closed) return resolve({ status: 0, error: 'aborted', body: 'closed', ms: 0 });
      const headers: Record<string, string | number> = {};
      if (this.auth) headers.Authorization = this.auth;
      if (body) {
        headers['Content-Type'] = contentType ?? 'text/plain; charset=utf-8';
        headers['Content-Length'] = body.length;
      }
      const requestFn = this.base.protocol === 'https:' ? httpsRequest : httpRequest;
      let timedOut = false;
      let settled = false;
      const req = requestFn(new URL(path, this.base), { method, headers, agent: this.agent });
      const finish = (r: Omit<HttpResult, 'ms'>) => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(req);
        resolve({ ...r, ms: performance.now() - started });
      };
      const failed = (message: string) =>
        finish({
          status: 0,
          error: this.closed ? 'aborted' : timedOut ? 'timeout' : 'network',
          body: message,
        });
      this.inFlight.add(req);
      req.setTimeout(this.timeoutMs, () => {
        timedOut = true;
        req.destroy();
      });
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => failed(err.message));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A keep-alive socket the server had closed: `send` tries once more at once.
        if (req.reusedSocket && err.code === 'ECONNRESET' && !timedOut && !this.closed)
          finish({ status: 0, error: 'network', body: 'ECONNRESET_REUSED' });
        else failed(err.message);
      });
      req.on('close', () => failed('connection closed before a complete answer'));
      req.end(body);
    });
  }

  /** Aborts requests in flight and closes idle sockets. */
  close(): void {
    this.closed = true;
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
    this.agent.destroy();
  }
}

/** InfluxDB's error text: 1.x/3.x `{"error"}`, 2.x `{"code","message"}`, or the raw body. */
export function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const text = parsed.error ?? parsed.message;
    if (typeof text === 'string') return text;
  } catch {}
  return body.trim().slice(0, 500);
}
