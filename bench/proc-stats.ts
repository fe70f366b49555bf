/**
 * CPU and memory of any process (hub, bare aedes, Mosquitto) from /proc, so every broker is measured
 * the same way whatever it is written in. proc(5): `/proc/<pid>/stat` fields 14/15 are utime/stime in
 * clock ticks; `/proc/<pid>/status` gives VmRSS and VmHWM (peak RSS) in kB.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CpuTicks {
  utime: number;
  stime: number;
}

export interface MemKb {
  rssKb: number;
  hwmKb: number;
}

/** proc(5) stat: the command name (field 2) is in parentheses and may hold spaces, so split after the last ')'. */
export function parseProcStat(text: string): CpuTicks {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): field n is rest[n - 3].
  return { utime: Number(rest[11]), stime: Number(rest[12]) };
}

export function parseProcStatus(text: string): MemKb {
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

let ticksPerSecond: number | undefined;

/** sysconf(_SC_CLK_TCK), almost always 100 on Linux. */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU used between two readings, in % of one core over `wallMs`. */
export function cpuPercent(a: CpuTicks, b: CpuTicks, wallMs: number, ticks = clockTicks()): number {
  if (wallMs <= 0) return 0;
  const cpuMs = ((b.utime + b.stime - a.utime - a.stime) * 1000) / ticks;
  return Math.round((cpuMs / wallMs) * 1000) / 10;
}

export function readCpu(pid: number): CpuTicks {
  return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

export function readMem(pid: number): MemKb {
  return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** Samples one process over a window: CPU % and the RSS at the end and at its highest (sampled). */
export class ProcWindow {
  readonly #pid: number;
  readonly #startCpu: CpuTicks;
  readonly #startMs = performance.now();
  readonly #timer: NodeJS.Timeout;
  #peakRssKb = 0;

  constructor(pid: number, sampleMs = 250) {
    this.#pid = pid;
    this.#startCpu = readCpu(pid);
    this.#timer = setInterval(() => this.#sample(), sampleMs);
    this.#timer.unref();
  }

  #sample(): MemKb | undefined {
    try {
      const mem = readMem(this.#pid);
      if (mem.rssKb > this.#peakRssKb) this.#peakRssKb = mem.rssKb;
      return mem;
    } catch {
      return undefined; // the process is gone
    }
  }

  /** Ends the window. */
  finish(): { cpuPct: number; rssMb: number; peakRssMb: number; wallMs: number } {
    clearInterval(this.#timer);
    const wallMs = performance.now() - this.#startMs;
    const mem = this.#sample();
    let cpuPct = 0;
    try {
      cpuPct = cpuPercent(this.#startCpu, readCpu(this.#pid), wallMs);
    } catch {}
    const mb = (kb: number) => Math.round(kb / 102.4) / 10;
    return { cpuPct, rssMb: mb(mem?.rssKb ?? 0), peakRssMb: mb(this.#peakRssKb), wallMs };
  }
}
