/**
 * The hub as a real child process (`node bin/hub.js start --config <yaml>`) for the crash, outage and
 * fuzz tests: ports come from its JSON `listening` log lines, its memory from /proc, and it can be killed
 * with SIGKILL mid-stream. Also used by scripts/soak.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');

export interface HubProcess {
  child: ChildProcess;
  pid: number;
  mqttPort: number;
  httpPort: number;
  /** Every stdout/stderr line so far (JSON log lines). */
  lines: string[];
  /** Resident set size in bytes, from /proc/<pid>/status (0 once it has exited). */
  rss(): number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A config for a child hub on free loopback ports, every file under `dir`. */
export function childConfig(
  dir: string,
  influxUrl: string,
  database: string,
  extra: Record<string, object> = {},
) {
  const section = (name: string, base: object) => ({ ...base, ...(extra[name] ?? {}) });
  return {
    ...extra,
    broker: section('broker', {
      host: '127.0.0.1',
      port: 0,
      wsPort: -1,
      allowAnonymous: true,
      instance: 'child',
    }),
    http: section('http', { host: '127.0.0.1', port: 0 }),
    influx: section('influx', {
      url: influxUrl,
      database,
      flushIntervalMs: 50,
      retryMinMs: 50,
      retryMaxMs: 500,
    }),
    spool: section('spool', { dir: join(dir, 'spool'), recordFile: join(dir, 'sent.log') }),
    ingest: section('ingest', { archive: { dir: join(dir, 'archive') } }),
    log: section('log', { level: 'info', pretty: false, auditFile: join(dir, 'audit.log') }),
  };
}

export async function startHubProcess(
  configFile: string,
  opts: { timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<HubProcess> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const args = [...(opts.nodeArgs ?? []), join(ROOT, 'bin/hub.js'), 'start', '--config', configFile];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const lines: string[] = [];
  const ports: Record<string, number> = {};
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const onLine = (line: string) => {
      lines.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; service?: string; port?: number };
        if (entry.msg === 'listening' && entry.service && entry.port) ports[entry.service] = entry.port;
      } catch {}
      if (ports.mqtt && ports.http) resolve();
    };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
    void exited.then(({ code, signal }) =>
      reject(new Error(`hub exited (${code ?? signal}) before listening:\n${lines.slice(-20).join('\n')}`)),
    );
    setTimeout(
      () => reject(new Error(`hub not listening after ${timeoutMs} ms:\n${lines.join('\n')}`)),
      timeoutMs,
    );
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const pid = child.pid as number;
  return {
    child,
    pid,
    mqttPort: ports.mqtt as number,
    httpPort: ports.http as number,
    lines,
    rss: () => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : 0;
      } catch {
        return 0;
      }
    },
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

export function writeConfig(dir: string, config: object): string {
  const file = join(dir, 'hub.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** Samples `read()` every `everyMs` until stopped; returns the samples. */
export function sampler(read: () => number, everyMs = 100): { stop(): number[]; max(): number } {
  const samples: number[] = [read()];
  const timer = setInterval(() => samples.push(read()), everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      samples.push(read());
      return samples;
    },
    max: () => Math.max(...samples),
  };
}

/** A VMS report (DESIGN.md) numbered `seq`, timed `seq` seconds after `baseMs`: each its own point. */
export function vmsReport(baseMs: number, seq: number): string {
  return JSON.stringify({
    time: new Date(baseMs + seq * 1000).toISOString(),
    lat: 16.7,
    lon: 107.8,
    speed_kn: 5,
    course_deg: 90,
    seq,
  });
}
