/** A field value as InfluxDB stores it; its type (f/i/s/b) is fixed per measurement in schema.ts. */
export type FieldValue = number | string | boolean;

/** One InfluxDB point as the hub builds it, before it becomes line protocol. */
export interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Nanoseconds since the Unix epoch. */
  time: bigint;
}

const NS_PER_MS = 1_000_000n;

export function msToNs(ms: number): bigint {
  const whole = Math.floor(ms);
  const frac = Math.round((ms - whole) * 1e6);
  return BigInt(whole) * NS_PER_MS + BigInt(frac);
}

export function nsToMs(ns: bigint): number {
  return Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;
}
