/** Shared pieces of the durable-writer tests: options, a hook recorder, line makers. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { InfluxConfigSchema, SpoolConfigSchema } from '../../config/schema.ts';
import { type DurableHooks, type DurableOptions, DurableWriter } from '../../ingest/durable.ts';

export const silent = pino({ level: 'silent' });

export interface HookLog extends DurableHooks {
  writtenLines: number;
  errors: string[];
  rejectedLines: Array<{ line: string; error: string }>;
  upChanges: boolean[];
}

export function hookLog(): HookLog {
  const h: HookLog = {
    writtenLines: 0,
    errors: [],
    rejectedLines: [],
    upChanges: [],
    written: (lines) => {
      h.writtenLines += lines;
    },
    writeError: (kind) => {
      h.errors.push(kind);
    },
    rejected: (lines, error) => {
      for (const line of lines) h.rejectedLines.push({ line, error });
    },
    influxUp: (up) => {
      h.upChanges.push(up);
    },
  };
  return h;
}

export function durableOptions(
  url: string,
  database: string,
  over: { dir?: string; hooks?: DurableHooks; recordFile?: string; influx?: object; spool?: object } = {},
): DurableOptions {
  const opts: DurableOptions = {
    spool: SpoolConfigSchema.parse({
      dir: over.dir ?? mkdtempSync(join(tmpdir(), 'durable-')),
      ...over.spool,
    }),
    influx: {
      ...InfluxConfigSchema.parse({
        database,
        retryMinMs: 20,
        retryMaxMs: 200,
        timeoutMs: 5000,
        ...over.influx,
      }),
      url,
    },
    log: silent,
    hooks: over.hooks ?? hookLog(),
  };
  if (over.recordFile) opts.recordFile = over.recordFile;
  return opts;
}

/** `m,k=<tag> v=<i>i <i>`: one point per i, its own timestamp, so a re-send overwrites itself. */
export const point = (i: number, measurement = 'm', tag = 'a') => `${measurement},k=${tag} v=${i}i ${i}`;

export function appendAll(writer: DurableWriter, lines: string[]): Promise<void> {
  return new Promise((res, rej) => writer.append(lines, (err) => (err ? rej(err) : res())));
}

export async function appendRange(writer: DurableWriter, from: number, to: number, per = 100): Promise<void> {
  const all: Promise<void>[] = [];
  for (let i = from; i < to; i += per) {
    const lines: string[] = [];
    for (let j = i; j < Math.min(to, i + per); j++) lines.push(point(j));
    all.push(appendAll(writer, lines));
  }
  await Promise.all(all);
}

export { DurableWriter };
