/**
 * MQTT over TLS (8883) and secure WebSocket: the listener options from the configured PEM files, and the
 * identity a client certificate gives (its subject CN is the device id when `requestCert` is on).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TLSSocket, TlsOptions } from 'node:tls';
import { z } from 'zod';

export const TlsConfigSchema = z
  .object({
    /** MQTT over TLS; 0 = any free port. */
    port: z.number().int().min(0).max(65_535).default(8883),
    /** MQTT over secure WebSocket; -1 = off. */
    wssPort: z.number().int().min(-1).max(65_535).default(-1),
    /** PEM files; relative paths resolve against the config file's folder. */
    cert: z.string().min(1),
    key: z.string().min(1),
    /** CA bundle that signs client certificates (needed with `requestCert`). */
    ca: z.string().optional(),
    /** Ask clients for a certificate: a valid one authenticates the device named by its CN. */
    requestCert: z.boolean().default(false),
  })
  .strict()
  .refine((t) => !t.requestCert || t.ca !== undefined, {
    message: 'requestCert needs ca (the CA that signs device certificates)',
    path: ['ca'],
  });

export type TlsConfig = z.infer<typeof TlsConfigSchema>;

function readPem(baseDir: string, path: string, what: string): Buffer {
  try {
    return readFileSync(resolve(baseDir, path));
  } catch (err) {
    throw new Error(`broker.tls.${what}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Node TLS server options. With `requestCert`, a certificate is asked for but not required at the
 * handshake (`rejectUnauthorized: false`): devices without one still log in with their secret, and a
 * certificate that does not verify is refused at CONNECT, where the refusal can be counted and logged.
 */
export function tlsServerOptions(cfg: TlsConfig, baseDir: string): TlsOptions {
  const options: TlsOptions = {
    cert: readPem(baseDir, cfg.cert, 'cert'),
    key: readPem(baseDir, cfg.key, 'key'),
    minVersion: 'TLSv1.2',
  };
  if (cfg.ca) options.ca = readPem(baseDir, cfg.ca, 'ca');
  if (cfg.requestCert) {
    options.requestCert = true;
    options.rejectUnauthorized = false;
  }
  return options;
}

/** What a client's certificate says: absent, or presented with its CN and whether it verified. */
export type PeerIdentity =
  | { presented: false }
  | { presented: true; authorized: boolean; cn: string | undefined; error: string | undefined };

const PEER = Symbol('hub.peerIdentity');
type WithPeer = { [PEER]?: PeerIdentity };

/** Reads the certificate of a TLS socket (call after the handshake). */
export function identityOf(socket: TLSSocket): PeerIdentity {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return { presented: false };
  const cn = cert.subject?.CN;
  return {
    presented: true,
    authorized: socket.authorized,
    cn: Array.isArray(cn) ? cn[0] : cn,
    error: socket.authorizationError ? String(socket.authorizationError) : undefined,
  };
}

/** Attaches an identity to the stream aedes reads (a TLS socket, or a WebSocket stream over one). */
export function attachIdentity(conn: object, identity: PeerIdentity): void {
  (conn as WithPeer)[PEER] = identity;
}

export function attachedIdentity(conn: unknown): PeerIdentity {
  return (conn as WithPeer | undefined)?.[PEER] ?? { presented: false };
}
