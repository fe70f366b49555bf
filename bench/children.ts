/**
 * The bench's child processes (hub, bare aedes, Mosquitto, subscriber): spawned with their output
 * drained and kept (last lines, for errors), stopped with SIGTERM then SIGKILL, and all killed when the
 * bench exits in any way, so a run never leaves a process behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** The last lines of stdout and stderr. */
  tail(): string;
  /** The first JSON line (stdout or stderr) matching `pick`, within `timeoutMs`. */
  waitForJson(
    pick: (obj: Record<string, unknown>) => boolean,
    timeoutMs: number,
  ): Promise<Record<string, unknown>>;
  /** The next IPC message `{ bench: what }` (children started with `ipc: true`); `{ bench: 'error' }` fails. */
  waitMessage<T>(what: string, timeoutMs: number): Promise<T>;
  /** An IPC request/answer (children started with `ipc: true`). */
  ask<T>(message: Record<string, unknown>, answer: string, timeoutMs?: number): Promise<T>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const proc of live) proc.kill('SIGKILL');
  });
}

/** The tsx loader and the preload as `node` arguments for the bench's TypeScript children. */
export function tsNodeArgs(preload: boolean): string[] {
  // Resolved here, not by the child: children run in their own working folders.
  const args = ['--import', import.meta.resolve('tsx')];
  if (preload) args.push('--import', fileURLToPath(new URL('./eld-preload.ts', import.meta.url)));
  return args;
}

export function spawnChild(
  name: string,
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; ipc?: boolean } = {},
): Child {
  hookExit();
  const proc = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe', ...(opts.ipc ? (['ipc'] as const) : [])],
  });
  if (proc.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  live.add(proc);
  const lines: string[] = [];
  // An IPC write to a child that died: the pending `ask` times out or sees the exit; never a crash here.
  proc.on('error', (err) => lines.push(`[bench] ${name}: ${err.message}`));
  const waiters = new Set<(obj: Record<string, unknown>) => void>();
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      live.delete(proc);
      resolve();
    });
  });
  const onLine = (line: string) => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
    if (!line.startsWith('{') || waiters.size === 0) return;
    try {
      const obj = JSON.parse(line) as Record<string, unknown>;
      for (const w of waiters) w(obj);
    } catch {}
  };
  for (const stream of [proc.stdout, proc.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) onLine(p);
    });
  }
  let seq = 0;
  let stopping: Promise<void> | undefined;
  const tail = () => lines.join('\n');
  return {
    name,
    pid: proc.pid,
    proc,
    tail,
    waitForJson: (pick, timeoutMs) =>
      new Promise((resolve, reject) => {
        const done = (err: Error | undefined, obj?: Record<string, unknown>) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          proc.off('exit', onExit);
          if (err) reject(err);
          else resolve(obj as Record<string, unknown>);
        };
        const waiter = (obj: Record<string, unknown>) => {
          if (pick(obj)) done(undefined, obj);
        };
        const onExit = (code: number | null) =>
          done(new Error(`${name} exited (code ${code}) before it was ready:\n${tail()}`));
        const timer = setTimeout(
          () => done(new Error(`${name}: not ready within ${timeoutMs} ms:\n${tail()}`)),
          timeoutMs,
        );
        waiters.add(waiter);
        proc.once('exit', onExit);
      }),
    waitMessage: <T>(what: string, timeoutMs: number) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (raw: unknown) => {
          const m = raw as { bench?: string; message?: string };
          if (m?.bench !== what && m?.bench !== 'error') return;
          clearTimeout(timer);
          proc.off('message', onMessage);
          if (m.bench === 'error') reject(new Error(`${name}: ${m.message}`));
          else resolve(raw as T);
        };
        const timer = setTimeout(() => {
          proc.off('message', onMessage);
          reject(new Error(`${name}: no "${what}" message within ${timeoutMs} ms:\n${tail()}`));
        }, timeoutMs);
        proc.on('message', onMessage);
      }),
    ask: <T>(message: Record<string, unknown>, answer: string, timeoutMs = 10_000) =>
      new Promise<T>((resolve, reject) => {
        const id = ++seq;
        const onMessage = (raw: unknown) => {
          const m = raw as { bench?: string; id?: number };
          if (m?.bench !== answer || (m.id !== undefined && m.id !== id)) return;
          clearTimeout(timer);
          proc.off('message', onMessage);
          proc.off('exit', onExit);
          resolve(raw as T);
        };
        const timer = setTimeout(() => {
          proc.off('message', onMessage);
          proc.off('exit', onExit);
          reject(new Error(`${name}: no "${answer}" answer within ${timeoutMs} ms`));
        }, timeoutMs);
        const onExit = (code: number | null, signal: string | null) => {
          clearTimeout(timer);
          proc.off('message', onMessage);
          reject(new Error(`${name} exited (code ${code}, signal ${signal}):\n${tail()}`));
        };
        proc.on('message', onMessage);
        proc.once('exit', onExit);
        if (!proc.connected) return onExit(proc.exitCode, proc.signalCode);
        proc.send({ ...message, id });
      }),
    stop: (graceMs = 10_000) => {
      stopping ??= (async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
