/** `--secrets <file>`: a YAML (or JSON) map of device id → MQTT password; the username is the device id. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SimulatorUsageError } from './cli.ts';

export function readSecretsFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SimulatorUsageError(`--secrets ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SimulatorUsageError(`--secrets ${path} must map device ids to passwords`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([id, secret]) => [id, String(secret)]));
}
