/**
 * A throwaway PKI for the TLS tests, made with the openssl CLI: a CA, a server certificate for 127.0.0.1,
 * client certificates whose CN is a device id, and a rogue CA the hub does not trust.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pem {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** `req` arguments for a new P-256 key, unencrypted, written to `<name>.key`. */
function newEcKey(name: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`];
}

/** Certificates of a test run live two days: long enough for any run, short if one leaks. */
const VALIDITY = ['-days', '2'];

function keyAndCsr(dir: string, name: string, cn: string): void {
  openssl(dir, ['req', ...newEcKey(name), '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
}

function selfSignedCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    ...newEcKey(name),
    '-out',
    `${name}.crt`,
    ...VALIDITY,
    '-subj',
    `/CN=${name}`,
  ]);
}

function sign(dir: string, name: string, ca: string, extensions: string): Pem {
  writeFileSync(join(dir, `${name}.ext`), `${extensions}\n`);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    ...VALIDITY,
    '-extfile',
    `${name}.ext`,
  ]);
  return load(dir, name);
}

function load(dir: string, name: string): Pem {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

export interface Pki {
  caFile: string;
  ca: string;
  server: Pem;
  /** A client certificate for `cn`, signed by the hub's CA or by a CA it does not trust. */
  client(cn: string, signer?: 'ca' | 'rogue'): Pem;
}

export function makePki(dir: string): Pki {
  selfSignedCa(dir, 'ca');
  selfSignedCa(dir, 'rogue');
  keyAndCsr(dir, 'server', '127.0.0.1');
  const server = sign(dir, 'server', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth');
  let n = 0;
  return {
    caFile: join(dir, 'ca.crt'),
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    server,
    client: (cn, signer = 'ca') => {
      const name = `client-${n++}`;
      keyAndCsr(dir, name, cn);
      return sign(dir, name, signer, 'extendedKeyUsage=clientAuth');
    },
  };
}
