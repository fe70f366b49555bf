/**
 * `hub token [--name NAME] [--scopes read,ack]`: a new operator token for the HTTP API, printed once, and
 * the `http.tokens` entry (its SHA-256) to paste into the config. Without the CLI:
 * `printf %s "$TOKEN" | sha256sum`.
 */
import { parseArgs } from 'node:util';
import { HTTP_SCOPES, type HttpScope, hashToken, newToken } from './http-auth.ts';

export function tokenCommand(argv: string[], out: (line: string) => void = console.log): void {
  const { values } = parseArgs({
    args: argv,
    options: { name: { type: 'string' }, scopes: { type: 'string' } },
  });
  const scopes = (values.scopes ?? 'read').split(',').map((s) => s.trim());
  for (const scope of scopes) {
    if (!HTTP_SCOPES.includes(scope as HttpScope))
      throw new Error(`unknown scope ${scope} (scopes: ${HTTP_SCOPES.join(', ')})`);
  }
  const token = newToken();
  out(`token (shown once; give it to the operator, send as "Authorization: Bearer <token>"):\n${token}\n`);
  out('config entry (http.tokens):');
  out(`  - name: ${values.name ?? 'operator'}`);
  out(`    hash: ${hashToken(token)}`);
  out(`    scopes: [${scopes.join(', ')}]`);
}
