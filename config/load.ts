/**
 * Loads the YAML config, applies `HUB_<SECTION>_<KEY>` environment overrides and validates the result.
 * Errors name the path of the bad key (`influx.maxBatchLines: expected number`), and stop the start.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type HubConfig, HubConfigSchema } from './schema.ts';

export class ConfigError extends Error {
  readonly code = 'HUB_ERR_CONFIG';
}

type ScalarKind = 'string' | 'number' | 'boolean';

interface ZodInternals {
  _zod: { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType>; entries?: object } };
}

function defOf(schema: z.ZodType): ZodInternals['_zod']['def'] {
  return (schema as unknown as ZodInternals)._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (def.innerType && ['default', 'optional', 'prefault', 'nullable'].includes(def.type))
      s = def.innerType;
    else return s;
  }
}

/** Every scalar key of the schema with its path, e.g. ['broker','wsPort'] → number. */
export function scalarPaths(
  schema: z.ZodType = HubConfigSchema,
  prefix: string[] = [],
): Array<{ path: string[]; kind: ScalarKind }> {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([key, child]) => scalarPaths(child, [...prefix, key]));
  }
  if (def.type === 'string' || def.type === 'enum') return [{ path: prefix, kind: 'string' }];
  if (def.type === 'number') return [{ path: prefix, kind: 'number' }];
  if (def.type === 'boolean') return [{ path: prefix, kind: 'boolean' }];
  return [];
}

/** `wsPort` → `WS_PORT`; `HUB_` + the path's parts joined with `_`. */
export function envName(path: readonly string[]): string {
  return `HUB_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

function coerce(name: string, raw: string, kind: ScalarKind): string | number | boolean {
  if (kind === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new ConfigError(`${name}: expected a number, got "${raw}"`);
    return n;
  }
  if (kind === 'boolean') {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    throw new ConfigError(`${name}: expected true or false, got "${raw}"`);
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

export function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  for (const { path, kind } of scalarPaths()) {
    const name = envName(path);
    const value = env[name];
    if (value !== undefined) setPath(raw, path, coerce(name, value, kind));
  }
  return raw;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
}

export interface LoadedConfig {
  config: HubConfig;
  /** Relative file paths in the config resolve against this folder. */
  baseDir: string;
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const object = (raw ?? {}) as Record<string, unknown>;
  if (typeof object !== 'object' || Array.isArray(object))
    throw new ConfigError('(root): expected a mapping');
  const result = HubConfigSchema.safeParse(applyEnvOverrides(structuredClone(object), env));
  if (!result.success) throw new ConfigError(`invalid configuration:\n${formatIssues(result.error)}`);
  return result.data;
}

/** Reads and validates a config file; without a file, the defaults plus the environment. */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  if (!file) return { config: parseConfig({}, env), baseDir: process.cwd() };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${file}: ${(err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  try {
    return { config: parseConfig(raw, env), baseDir: dirname(resolve(file)) };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${file}: ${err.message}`, { cause: err });
    throw err;
  }
}

export function resolveFrom(baseDir: string, path: string): string {
  return resolve(baseDir, path);
}
