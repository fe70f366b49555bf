/**
 * The schedule and state of one polled device: a poll every `intervalMs` from the start of the previous
 * one (skipped while that one still runs), exponential backoff after failures, up/down status.
 */
import type { Logger } from 'pino';
import type { Point } from '../../ingest/point.ts';
import { type SeriesClock, seriesKey } from '../../ingest/time.ts';
import { MAX_BACKOFF_MS, type ModbusDevice } from './config.ts';
import { decodeReply, planReads, type ReadPlan } from './decode.ts';
import type { ModbusLink } from './link.ts';

export interface ModbusDeviceStatus {
  station: string;
  /** The endpoint (`tcp://host:port`, `rtu:///dev/ttyUSB0`), without serial options. */
  url: string;
  unitId: number;
  /** False until the first successful poll and after any failed one. */
  up: boolean;
  /** Start time (ms since the epoch) of the last successful poll. */
  lastOkMs?: number;
  lastError?: string;
  consecutiveFailures: number;
  /** Polls started. */
  polls: number;
  /** Polls that failed. */
  failures: number;
  /** Polls not started because the previous one was still running. */
  skipped: number;
}

export interface DeviceContext {
  log: Logger;
  emit(points: Point[]): void;
  now(): number;
  seriesClock: SeriesClock;
}

/** Delay before the next attempt after `failures` failures in a row: interval × 2^(n-1), capped. */
export function backoffMs(intervalMs: number, failures: number): number {
  const exponential = intervalMs * 2 ** Math.min(Math.max(failures - 1, 0), 20);
  return Math.max(intervalMs, Math.min(exponential, MAX_BACKOFF_MS));
}

/** modbus-serial rejects with plain objects as well as Errors: a readable message for either. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}

const STOPPED = Symbol('stopped');

export class DevicePoller {
  readonly #device: ModbusDevice;
  readonly #medium: 'air' | 'water';
  readonly #link: ModbusLink;
  readonly #ctx: DeviceContext;
  readonly #plans: ReadPlan[];
  readonly #status: ModbusDeviceStatus;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #stopped = false;
  /** Known state for logging changes once: undefined before the first poll. */
  #loggedUp: boolean | undefined;

  constructor(device: ModbusDevice, medium: 'air' | 'water', link: ModbusLink, ctx: DeviceContext) {
    this.#device = device;
    this.#medium = medium;
    this.#link = link;
    this.#ctx = ctx;
    this.#plans = planReads(device.registers, device.maxGap);
    this.#status = {
      station: device.station,
      url: link.label,
      unitId: device.unitId,
      up: false,
      consecutiveFailures: 0,
      polls: 0,
      failures: 0,
      skipped: 0,
    };
  }

  status(): ModbusDeviceStatus {
    return { ...this.#status };
  }

  start(): void {
    this.#schedule(0);
  }

  /** Clears the timer and waits for a poll in progress (the link's close makes it settle promptly). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), delayMs);
  }

  #tick(): void {
    if (this.#stopped) return;
    // Fixed rate: the next poll is due intervalMs after this one's start, whatever this one takes.
    this.#schedule(this.#device.intervalMs);
    if (this.#inFlight) {
      this.#status.skipped++;
      return;
    }
    this.#inFlight = this.#poll().finally(() => {
      this.#inFlight = undefined;
    });
  }

  async #poll(): Promise<void> {
    const startedMs = this.#ctx.now();
    this.#status.polls++;
    let fields: Record<string, number>;
    try {
      fields = await this.#link.exclusive(() => this.#readAll());
    } catch (err) {
      if (!this.#stopped) this.#failed(err);
      return;
    }
    if (this.#stopped) return; // nothing is emitted once stop() has begun
    this.#succeeded(startedMs);
    if (Object.keys(fields).length === 0) return; // every value unavailable: no point
    const { station } = this.#device;
    const tags = { station, medium: this.#medium };
    const time = this.#ctx.seriesClock.uniqueMs(seriesKey('environment', tags), startedMs);
    this.#ctx.emit([{ measurement: 'environment', tags, fields, time }]);
  }

  async #readAll(): Promise<Record<string, number>> {
    const fields: Record<string, number> = {};
    for (const plan of this.#plans) {
      if (this.#stopped) throw STOPPED;
      const reply = await this.#link.read(this.#device.unitId, plan, this.#device.timeoutMs);
      decodeReply(plan, reply, fields);
    }
    return fields;
  }

  #succeeded(startedMs: number): void {
    const status = this.#status;
    status.up = true;
    status.lastOkMs = startedMs;
    status.consecutiveFailures = 0;
    if (this.#loggedUp !== true) {
      this.#ctx.log.info({ polls: status.polls }, 'modbus device up');
      this.#loggedUp = true;
    }
  }

  #failed(err: unknown): void {
    const status = this.#status;
    status.up = false;
    status.failures++;
    status.consecutiveFailures++;
    status.lastError = errorMessage(err);
    const retryMs = backoffMs(this.#device.intervalMs, status.consecutiveFailures);
    if (this.#loggedUp !== false) {
      this.#ctx.log.warn({ err, retryMs }, 'modbus device down');
      this.#loggedUp = false;
    }
    this.#schedule(retryMs);
  }
}
