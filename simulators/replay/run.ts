/**
 * Replays a recorded NMEA/AIS log to one topic: at the log's own pace (its timestamps, divided by
 * `speedup`) or at a fixed number of entries per second. The sentences keep their recorded times, so
 * the hub must accept historical data: run it with `ingest.maxAgeDays: 0` (DESIGN.md "Time").
 */
import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { type SimulatorHandle, type SimulatorStats, sleep } from '../common/handle.ts';
import { connectDevice, DEFAULT_MQTT_URL, endAll } from '../common/mqtt.ts';
import { type LogEntry, parseLog } from './log.ts';

export interface ReplayOptions {
  /** A log file, or the log's text. */
  file?: string;
  text?: string;
  /** e.g. `vessels/TTH-90123-TS/nmea` or `ais/ais-thuan-an`. */
  topic: string;
  url?: string;
  /** Default: the device id of the topic's second level (`vessels/{id}/nmea` → id). */
  username?: string;
  password?: string;
  clientId?: string;
  /** `original`: the log's timing (default when it has times); `rate`: `rate` entries per second. */
  timing?: 'original' | 'rate';
  /** Entries per second in `rate` timing (default 10). */
  rate?: number;
  /** Original timing runs this much faster (default 1). */
  speedup?: number;
  /** A longer pause in the log is shortened to this, real ms (default 10 s). */
  maxGapMs?: number;
  qos?: 0 | 1;
  signal?: AbortSignal;
}

export interface ReplayStats extends SimulatorStats {
  entries: number;
  /** Original time of the last entry sent, ms. */
  logTimeMs?: number;
}

export interface ReplayHandle extends SimulatorHandle<ReplayStats> {
  /** Resolves once every entry is sent (or the replay is stopped). */
  readonly done: Promise<ReplayStats>;
}

export async function startReplay(opts: ReplayOptions): Promise<ReplayHandle> {
  const text = opts.text ?? (opts.file !== undefined ? readFileSync(opts.file, 'utf8') : undefined);
  if (text === undefined) throw new RangeError('replay needs a file or a text');
  const entries = parseLog(text);
  const timed = entries.some((e) => e.timeMs !== undefined);
  const timing = opts.timing ?? (timed ? 'original' : 'rate');
  if (timing === 'original' && !timed) throw new RangeError('the log carries no timestamps: use a rate');
  const deviceId = opts.username ?? opts.topic.split('/')[1] ?? 'replay';
  const client: MqttClient = await connectDevice({
    url: opts.url ?? DEFAULT_MQTT_URL,
    clientId: opts.clientId ?? deviceId,
    username: deviceId,
    ...(opts.password !== undefined ? { password: opts.password } : {}),
  });
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const startedAt = Date.now();
  const stats: ReplayStats = { published: 0, errors: 0, elapsedMs: 0, entries: entries.length };

  const delayBefore = (prev: LogEntry | undefined, e: LogEntry): number => {
    if (!prev) return 0;
    if (timing === 'rate') return 1000 / (opts.rate ?? 10);
    const gap = ((e.timeMs ?? 0) - (prev.timeMs ?? 0)) / (opts.speedup ?? 1);
    return Math.min(Math.max(0, gap), opts.maxGapMs ?? 10_000);
  };

  const done = (async () => {
    let prev: LogEntry | undefined;
    // Sleeps are measured against a schedule, not chained, so timer drift does not accumulate.
    let due = Date.now();
    try {
      for (const e of entries) {
        if (controller.signal.aborted) break;
        due += delayBefore(prev, e);
        await sleep(due - Date.now(), controller.signal);
        if (controller.signal.aborted) break;
        try {
          await client.publishAsync(opts.topic, e.payload, { qos: opts.qos ?? 0 });
          stats.published++;
          if (e.timeMs !== undefined) stats.logTimeMs = e.timeMs;
        } catch {
          stats.errors++;
        }
        prev = e;
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      await endAll([client]);
    }
    stats.elapsedMs = Date.now() - startedAt;
    return { ...stats };
  })();

  return {
    done,
    stats: () => ({ ...stats, elapsedMs: Date.now() - startedAt }),
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}
