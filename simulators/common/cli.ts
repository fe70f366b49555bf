/**
 * What the simulators' command lines share: the common flags, flag parsing (numbers, durations, the
 * start hour, catalogue ids), the progress line on a TTY, and running until Ctrl-C, `--duration` or the
 * caller's AbortSignal (or, for a bounded run, until it is done).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { lastLocalHourMs } from './daily.ts';
import type { SimulatorHandle, SimulatorStats } from './handle.ts';
import { sleep } from './handle.ts';
import { DEFAULT_MQTT_URL } from './mqtt.ts';

/** The second argument of every simulator's `run(argv, opts)`; `hub sim <kind>` passes its logger. */
export interface CliOptions {
  log: Logger;
  /** Stops the run (tests, `hub demo`); without it Ctrl-C (SIGINT) and SIGTERM stop it. */
  signal?: AbortSignal;
  /** Where `--print-config` and reports go; default stdout. */
  stdout?: (text: string) => void;
  /** Where the progress line goes; default stderr, and only when it is a TTY. */
  progress?: NodeJS.WriteStream | null;
}

export class SimulatorUsageError extends Error {
  readonly code = 'HUB_ERR_SIM_USAGE';
}

/** Flags every MQTT simulator takes (node:util parseArgs format). */
export const MQTT_FLAGS = {
  url: { type: 'string', default: DEFAULT_MQTT_URL },
  password: { type: 'string' },
  qos: { type: 'string' },
  seed: { type: 'string', default: '1' },
  duration: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * A simulator's argv: MQTT_FLAGS and its own `flags`, strictly (an unknown flag is an error), with
 * positional arguments only where the simulator takes them.
 */
export function parseSimulatorArgs<F extends FlagOptions>(
  argv: string[],
  flags: F,
  { positionals = false }: { positionals?: boolean } = {},
) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: positionals,
    options: { ...MQTT_FLAGS, ...flags },
  });
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `10m`, `6h`, `2d`, or a bare number of seconds. */
export function parseDurationMs(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new SimulatorUsageError(`--${flag} "${text}" is not a duration such as 30s, 10m or 6h`);
  return Number(m[1]) * UNITS_MS[m[2] ?? 's']!;
}

/** An optional duration flag (see parseDurationMs); undefined when not given. */
export function parseOptionalDurationMs(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : parseDurationMs(text, flag);
}

export function parseNumber(text: string | undefined, flag: string, min = 0): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min)
    throw new SimulatorUsageError(`--${flag} "${text}" is not a number ≥ ${min}`);
  return n;
}

export function parseInteger(text: string | undefined, flag: string, min = 0): number | undefined {
  const n = parseNumber(text, flag, min);
  if (n !== undefined && !Number.isInteger(n)) throw new SimulatorUsageError(`--${flag} must be an integer`);
  return n;
}

/** `--start-hour 7`: the simulated day starts at the last 07:00 local (UTC+7), e.g. to show the rush. */
export function parseStartHour(text: string | undefined, nowMs = Date.now()): number | undefined {
  const hour = parseNumber(text, 'start-hour');
  if (hour === undefined) return undefined;
  if (hour >= 24) throw new SimulatorUsageError('--start-hour is an hour of the day, 0–23.99');
  return lastLocalHourMs(hour, nowMs);
}

/** A catalogue lookup (station, camera id...) whose error on an unknown id is the user's: a usage error. */
export function lookupFlag<T>(lookup: () => T): T {
  try {
    return lookup();
  } catch (err) {
    throw new SimulatorUsageError((err as Error).message);
  }
}

export function parseQos(text: string | undefined): 0 | 1 {
  if (text === undefined || text === '0') return 0;
  if (text === '1') return 1;
  throw new SimulatorUsageError(`--qos "${text}" must be 0 or 1`);
}

/** A seed is a number or any string (hashed). */
export function parseSeed(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** A progress line rewritten in place every second on a TTY; a no-op elsewhere (logs, CI). */
export function startProgress<S extends SimulatorStats>(
  stream: NodeJS.WriteStream | null | undefined,
  stats: () => S,
  format: (s: S, ratePerS: number) => string,
): () => void {
  if (!stream?.isTTY) return () => {};
  let last = stats();
  const timer = setInterval(() => {
    const now = stats();
    const dt = (now.elapsedMs - last.elapsedMs) / 1000;
    const rate = dt > 0 ? (now.published - last.published) / dt : 0;
    last = now;
    stream.write(`\r\x1b[K${format(now, rate)}`);
  }, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    stream.write('\r\x1b[K');
  };
}

/** Resolves when the signal aborts, the duration has passed, or on SIGINT/SIGTERM without a signal. */
export async function waitForStop(
  signal: AbortSignal | undefined,
  durationMs: number | undefined,
): Promise<void> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  if (signal) signal.addEventListener('abort', onSignal, { once: true });
  else {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    if (signal?.aborted) return;
    await sleep(durationMs ?? 2 ** 31 - 1, controller.signal);
  } finally {
    signal?.removeEventListener('abort', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The progress line of a run: stderr unless the caller chose a stream (or none). */
function progressLine<S extends SimulatorStats>(
  handle: SimulatorHandle<S>,
  opts: CliOptions,
  format: (s: S, ratePerS: number) => string,
): () => void {
  return startProgress(
    opts.progress === undefined ? process.stderr : opts.progress,
    () => handle.stats(),
    format,
  );
}

/** Runs a started simulator until it is told to stop, with the progress line, then stops it cleanly. */
export async function runUntilStopped<S extends SimulatorStats>(
  handle: SimulatorHandle<S>,
  opts: CliOptions,
  durationMs: number | undefined,
  format: (s: S, ratePerS: number) => string,
): Promise<S> {
  const stopProgress = progressLine(handle, opts, format);
  try {
    await waitForStop(opts.signal, durationMs);
  } finally {
    stopProgress();
    await handle.stop();
  }
  return handle.stats();
}

/**
 * Runs a bounded simulator (load, replay) until it is done, with the progress line; Ctrl-C (without
 * the caller's signal) stops it early, and it still finishes with what it did.
 */
export async function runUntilDone<S extends SimulatorStats, R>(
  handle: SimulatorHandle<S> & { readonly done: Promise<R> },
  opts: CliOptions,
  format: (s: S, ratePerS: number) => string,
): Promise<R> {
  const onSigint = (): void => void handle.stop();
  if (!opts.signal) process.once('SIGINT', onSigint);
  const stopProgress = progressLine(handle, opts, format);
  try {
    return await handle.done;
  } finally {
    stopProgress();
    process.off('SIGINT', onSigint);
  }
}

export function writeOut(opts: CliOptions, text: string): void {
  if (opts.stdout) opts.stdout(text);
  else process.stdout.write(text);
}
