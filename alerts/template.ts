/** Message templates: `{name}` is replaced by the variable of that name; unknown names stay as written. */

export type TemplateVars = Readonly<Record<string, string | number | null | undefined>>;

/** Up to two decimals, no trailing zeros: 55, 7.25, 0.3. */
export function formatNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export function renderTemplate(template: string, vars: TemplateVars): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    if (value === null) return '?';
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}
