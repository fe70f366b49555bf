/**
 * Device authentication: username = device id, password = its secret; the registry keeps only the
 * SHA-256 of each secret (a random ≥128-bit secret needs no slow hash, and 10,000 devices reconnecting
 * after an outage must not take minutes).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Device, Registry } from '../ingest/registry.ts';

export function hashSecret(secret: string | Buffer): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new device secret: 24 random bytes (192 bits), URL-safe. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

export type AuthResult =
  | { ok: true; device: Device | undefined }
  | { ok: false; reason: 'bad_credentials' | 'unknown_device' | 'anonymous_refused' | 'no_secret' };

export function authenticateDevice(
  registry: Registry,
  allowAnonymous: boolean,
  username: string | undefined,
  password: Buffer | undefined,
): AuthResult {
  if (!username)
    return allowAnonymous ? { ok: true, device: undefined } : { ok: false, reason: 'anonymous_refused' };
  const device = registry.get(username);
  if (!device) return { ok: false, reason: 'unknown_device' };
  if (!device.secretHash) {
    // A registered device without a secret may connect only where anonymous access is allowed.
    return allowAnonymous ? { ok: true, device } : { ok: false, reason: 'no_secret' };
  }
  if (!password) return { ok: false, reason: 'bad_credentials' };
  const given = Buffer.from(hashSecret(password), 'hex');
  const expected = Buffer.from(device.secretHash, 'hex');
  return timingSafeEqual(given, expected) ? { ok: true, device } : { ok: false, reason: 'bad_credentials' };
}

export type CertAuthResult =
  | { ok: true; device: Device }
  | { ok: false; reason: 'bad_certificate' | 'unknown_device' | 'bad_credentials' };

/**
 * A client certificate (`broker.tls.requestCert`): it must verify against `broker.tls.ca`, and its
 * subject CN names the device. A username, when given too, must be that same id.
 */
export function authenticateCertificate(
  registry: Registry,
  cert: { authorized: boolean; cn: string | undefined },
  username: string | undefined,
): CertAuthResult {
  if (!cert.authorized || !cert.cn) return { ok: false, reason: 'bad_certificate' };
  const device = registry.get(cert.cn);
  if (!device) return { ok: false, reason: 'unknown_device' };
  if (username && username !== cert.cn) return { ok: false, reason: 'bad_credentials' };
  return { ok: true, device };
}
