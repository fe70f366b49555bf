/**
 * The files committed under dashboards/generated are exactly what the code generates, and the README
 * describes every dashboard and panel the code builds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDashboards, generatedFiles } from '../../dashboards/build.ts';

const ROOT = join(import.meta.dirname, '../..');
const DIR = join(ROOT, 'dashboards/generated');
const REGENERATE = 'dashboards/generated is stale: run `npx hub dashboards build --out dashboards/generated`';

function committed(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? committed(full) : [relative(DIR, full)];
  });
}

describe('dashboards/generated', () => {
  const expected = generatedFiles();

  it('holds exactly the generated files', () => {
    expect(committed(DIR).sort(), REGENERATE).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected).map((path) => ({ path })))('$path matches the code', ({ path }) => {
    expect(readFileSync(join(DIR, path), 'utf8'), `${path}: ${REGENERATE}`).toBe(expected[path]);
  });
});

describe('dashboards/README.md', () => {
  const readme = readFileSync(join(ROOT, 'dashboards/README.md'), 'utf8');
  const cases = buildDashboards().map((d) => ({
    title: d.title,
    panels: ((d.json as { panels: Array<{ type: string; title: string }> }).panels ?? [])
      .filter((p) => p.type !== 'row')
      .map((p) => p.title),
  }));

  it.each(cases)('describes «$title» and each of its panels', ({ title, panels }) => {
    expect(readme).toContain(title);
    for (const panel of panels) expect(readme, `README.md lacks the panel «${panel}»`).toContain(panel);
  });
});
