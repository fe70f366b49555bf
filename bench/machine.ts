/** The machine a run measured: figures move with it, so the report always says what it was. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { openFileLimit } from './idle.ts';

function firstLine(command: string, args: string[]): string {
  try {
    const out = execFileSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 5000,
    });
    return (
      out
        .split('\n')
        .find((l) => l.trim())
        ?.trim() ?? '?'
    );
  } catch (err) {
    // `mosquitto -h` exits with status 3 after printing its version.
    const out = (err as { stdout?: string }).stdout ?? '';
    return (
      out
        .split('\n')
        .find((l) => l.trim())
        ?.trim() ?? 'not found'
    );
  }
}

export function describeMachine(influx: string): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: `${cpu.length} × ${cpu[0]?.model ?? '?'}`,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    kernel: release(),
    node: process.version,
    influxdb: `${firstLine('influxd', ['version'])}; ${influx}`,
    mosquitto: firstLine('mosquitto', ['-h']),
    openFiles: openFileLimit(readFileSync('/proc/self/limits', 'utf8')),
    // Other work on the machine during the run moves every figure: say how busy it was.
    loadAverageAtStart: loadAverage(),
  };
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
