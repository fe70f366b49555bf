/** Drops the keys whose value is undefined, so `{ ...DEFAULTS, ...definedOnly(opts) }` keeps the defaults. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
