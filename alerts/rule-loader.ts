/**
 * Loads the rule set: inline `alerts.rules` (zone files relative to the config) and/or `alerts.rulesFile`
 * (zone files relative to the rules file), the bundled Hue set when neither is given. Reads zone GeoJSON,
 * rejects duplicate ids, and applies `timeScale`. Throws an AlertsError naming the bad key.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { AlertsConfig } from './config.ts';
import { badRules } from './errors.ts';
import { compileWhere } from './match.ts';
import { type Rule, RulesFileSchema } from './rule-schema.ts';
import type { LoadedRule } from './types.ts';
import { loadZoneFile, selectZone, type ZoneFeature } from './zones.ts';

/** The rule set shipped with the hub, used when the config names none. */
export const DEFAULT_RULES_FILE = fileURLToPath(new URL('./rules/hue-default.yaml', import.meta.url));

export function readRulesFile(file: string): Rule[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw badRules(file, `cannot read the rules: ${(err as Error).message}`, err);
  }
  const result = RulesFileSchema.safeParse(raw ?? []);
  if (!result.success) {
    // Report against the union's `rules` branch when the file is a mapping: that is what was meant.
    const issues = result.error.issues.flatMap((i) =>
      i.code === 'invalid_union' && Array.isArray(i.errors) ? (i.errors.at(-1) ?? []) : [i],
    );
    const text = issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw badRules(file, `invalid rules:\n${text}`);
  }
  return Array.isArray(result.data) ? result.data : result.data.rules;
}

function scale(rule: Rule, timeScale: number): Rule {
  if (timeScale === 1) return rule;
  const s = (ms: number) => ms / timeScale;
  const scaled: Rule = { ...rule };
  if (scaled.repeat !== undefined) scaled.repeat = s(scaled.repeat);
  switch (scaled.kind) {
    case 'silence':
      scaled.after = s(scaled.after);
      break;
    case 'rate':
      scaled.window = s(scaled.window);
      scaled.for = s(scaled.for);
      scaled.keepFiringFor = s(scaled.keepFiringFor);
      break;
    default:
      scaled.for = s(scaled.for);
      scaled.keepFiringFor = s(scaled.keepFiringFor);
  }
  return scaled;
}

class ZoneCache {
  readonly #files = new Map<string, ZoneFeature[]>();
  get(file: string): ZoneFeature[] {
    let features = this.#files.get(file);
    if (!features) {
      features = loadZoneFile(file);
      this.#files.set(file, features);
    }
    return features;
  }
}

function compile(rule: Rule, dir: string, zones: ZoneCache): LoadedRule {
  const filter = compileWhere(rule.where);
  if (rule.kind !== 'zone') return { ...rule, filter };
  const file = resolve(dir, rule.zone.file);
  return { ...rule, filter, geometry: selectZone(zones.get(file), rule.zone.features, file) };
}

export interface RuleSet {
  rules: LoadedRule[];
  /** Where they came from, for logs and `/health`. */
  sources: string[];
}

export function loadRules(
  config: Pick<AlertsConfig, 'rules' | 'rulesFile' | 'timeScale'>,
  baseDir: string,
): RuleSet {
  const zones = new ZoneCache();
  const batches: Array<{ rules: Rule[]; dir: string; source: string }> = [];
  if (config.rules.length > 0) batches.push({ rules: config.rules, dir: baseDir, source: 'alerts.rules' });
  const file = config.rulesFile
    ? resolve(baseDir, config.rulesFile)
    : config.rules.length === 0
      ? DEFAULT_RULES_FILE
      : undefined;
  if (file) batches.push({ rules: readRulesFile(file), dir: dirname(file), source: file });

  const seen = new Set<string>();
  const rules: LoadedRule[] = [];
  for (const batch of batches) {
    for (const rule of batch.rules) {
      if (seen.has(rule.id)) throw badRules(batch.source, `duplicate rule id "${rule.id}"`);
      seen.add(rule.id);
      rules.push(compile(scale(rule, config.timeScale), batch.dir, zones));
    }
  }
  return { rules, sources: batches.map((b) => b.source) };
}
