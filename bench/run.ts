/**
 * One bench run: InfluxDB, then each broker in turn (bare aedes, Mosquitto, then a fresh hub per
 * scenario), the scenarios of the plan against it, and the report. A scenario that fails is reported
 * and the run goes on; every process started is stopped before the run returns.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashSecret } from '../broker/auth.ts';
import type { Device } from '../ingest/registry.ts';
import { fleetRegistry, planFleet } from '../simulators/fleet/vessels.ts';
import { type AlertResult, benchRules, OPERATOR_ID, runAlertLatency } from './alert-latency.ts';
import type { ClusterBenchResult } from './cluster.ts';
import { startHubProcess } from './hub-proc.ts';
import { type IdleResult, openFileLimit, runIdle } from './idle.ts';
import { type BenchInflux, dropDatabase, openInflux } from './influx.ts';
import { describeMachine, loadAverage } from './machine.ts';
import type { Plan } from './plan.ts';
import { type CpuProfile, type ProfileSummary, summarizeProfile } from './profile.ts';
import { type BenchReport, checkTargets, computeRatios } from './report.ts';
import { hubTarget, startAedes, startMosquitto, type Target } from './target.ts';
import { runThroughput, type ThroughputResult, type ThroughputSpec } from './throughput.ts';

const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const IDLE_PREFIX = 'idle-';

interface Run {
  plan: Plan;
  workDir: string;
  influx: BenchInflux;
  password: string;
  progress(line: string): void;
  throughput: ThroughputResult[];
  idle: IdleResult[];
  alerts: AlertResult | null;
  /** Two hubs sharing one Redis (issue 9): throughput and the cost of routing through Redis. */
  cluster: ClusterBenchResult | null;
  profiles: Record<string, ProfileSummary>;
  errors: string[];
  /** What a reference did that is its own behaviour, not a failure of the run (a crash under the firehose). */
  notes: string[];
}

/** The publishing scenarios of the plan, as load specs. */
function publishSpecs(plan: Plan, broker: Target['kind']): ThroughputSpec[] {
  const specs: ThroughputSpec[] = [];
  const base = { seed: plan.seed, durationMs: 0, window: 1 };
  if (plan.scenarios.includes('qos1'))
    specs.push({
      ...base,
      scenario: 'qos1-max',
      qos: 1,
      connections: plan.qos1.connections,
      window: plan.qos1.window,
      durationMs: broker === 'hub' ? plan.qos1.hubMs : plan.qos1.refMs,
    });
  if (plan.scenarios.includes('paced')) {
    const { lowRate, ...paced } = plan.paced;
    // The references' paced run serves no target: the quick run leaves it out.
    if (broker === 'hub' || plan.mode === 'full')
      specs.push({ ...base, scenario: 'qos1-10k', qos: 1, ...paced });
    if (broker === 'hub') specs.push({ ...base, scenario: 'qos1-2k', qos: 1, ...paced, rate: lowRate });
  }
  if (plan.scenarios.includes('firehose'))
    specs.push({ ...base, scenario: 'qos0-firehose', qos: 0, durationMs: 120_000, ...plan.firehose });
  return specs;
}

async function attempt(run: Run, what: string, fn: () => Promise<void>): Promise<void> {
  run.progress(`bench: ${what}`);
  try {
    await fn();
  } catch (err) {
    const message = `${what}: ${(err as Error).message.split('\n').slice(0, 6).join(' | ')}`;
    run.errors.push(message);
    run.progress(`bench: FAILED ${message}`);
  }
}

/** How many idle devices fit under the open-file limit (each side of a connection holds a descriptor). */
function idleCount(devices: number): { run: number; limitedBy?: string } {
  const need = devices + 2000;
  let limit = openFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  if (limit < need) {
    try {
      // Raising the hard limit needs CAP_SYS_RESOURCE; children started afterwards inherit it.
      execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${need}:${need}`], {
        stdio: 'ignore',
      });
      limit = openFileLimit(readFileSync('/proc/self/limits', 'utf8'));
    } catch {}
  }
  if (limit >= need) return { run: devices };
  const run = Math.max(1000, Math.floor((limit - 2000) / 1000) * 1000);
  return {
    run,
    limitedBy: `${run.toLocaleString('en-US')} run: open-file hard limit ${limit} and prlimit may not raise it (no CAP_SYS_RESOURCE)`,
  };
}

/** A reference broker for each scenario: started once, and started again if a scenario crashed it. */
async function referenceScenarios(run: Run, kind: 'aedes' | 'mosquitto'): Promise<void> {
  const { plan } = run;
  let target: Target | undefined;
  const ensure = async (fresh = false): Promise<Target> => {
    if (target?.alive() && !fresh) return target;
    if (target) {
      if (!target.alive())
        run.notes.push(`${kind} crashed during the previous scenario: ${lastLines(target.tail())}`);
      await target.stop();
    }
    target = kind === 'aedes' ? await startAedes() : await startMosquitto(run.workDir);
    return target;
  };
  // The firehose last: bare aedes may not survive it.
  const specs = publishSpecs(plan, kind);
  const publishing = specs.filter((s) => s.qos === 1);
  try {
    for (const spec of publishing)
      await attempt(run, `${kind} ${spec.scenario}`, async () => {
        run.throughput.push(await runThroughput(await ensure(), spec, run.influx));
      });
    if (plan.scenarios.includes('idle'))
      for (const devices of plan.idle.devices)
        await attempt(run, `${kind} idle ${devices}`, async () => {
          const fit = idleCount(devices);
          // A fresh process: memory left over from earlier scenarios would blur the per-connection figure.
          run.idle.push(
            await runIdle(await ensure(true), {
              devices,
              ...fit,
              idPrefix: IDLE_PREFIX,
              concurrency: plan.idle.concurrency,
            }),
          );
        });
    for (const spec of specs.filter((s) => !publishing.includes(s)))
      await attempt(run, `${kind} ${spec.scenario}`, async () => {
        const t = await ensure();
        run.throughput.push(await runThroughput(t, spec, run.influx));
        // A crash once the publishers stopped (bare aedes's relay queue) is part of the scenario.
        await new Promise((r) => setTimeout(r, 1000));
        if (!t.alive()) run.notes.push(`${kind} crashed after the ${spec.scenario}: ${lastLines(t.tail())}`);
      });
  } finally {
    await target?.stop();
  }
}

/** The error of a crashed process, in one line. */
function lastLines(tail: string): string {
  const lines = tail.split('\n').filter((l) => l.trim() && !l.startsWith('{'));
  const error = lines.findIndex((l) => /Error|error/.test(l));
  return (error >= 0 ? lines.slice(error, error + 3) : lines.slice(-3)).map((l) => l.trim()).join(' ');
}

async function withHub(
  run: Run,
  name: string,
  devices: Device[],
  extra: { rules?: unknown[]; maxConnections?: number },
  fn: (target: Target) => Promise<void>,
): Promise<void> {
  await attempt(run, `hub ${name}`, async () => {
    const hub = await startHubProcess({ name, workDir: run.workDir, influx: run.influx, devices, ...extra });
    const profileFile = join(run.workDir, 'profiles', `hub-${name}.cpuprofile`);
    try {
      if (run.plan.profile) await hub.startProfile();
      await fn(hubTarget(hub));
      if (run.plan.profile) {
        await hub.stopProfile(profileFile);
        const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
        run.profiles[name] = summarizeProfile(profile, 20, PROJECT_ROOT);
      }
    } finally {
      await hub.stop();
      await dropDatabase(run.influx, hub.database);
    }
  });
}

async function hubScenarios(run: Run): Promise<void> {
  const { plan, password } = run;
  const secretsFor = (n: number) =>
    Object.fromEntries(planFleet({ vessels: n, seed: plan.seed }).map((v) => [v.id, password]));
  const fleet = fleetRegistry({ vessels: 1000, seed: plan.seed, secrets: secretsFor(1000) });
  for (const spec of publishSpecs(plan, 'hub'))
    await withHub(run, spec.scenario, fleet, {}, async (target) => {
      run.throughput.push(await runThroughput(target, { ...spec, password }, run.influx));
    });
  const secretHash = hashSecret(password);
  if (plan.scenarios.includes('idle')) {
    // A fresh hub per count, as for the references; broker.maxConnections (default 20,000) is raised here only.
    for (const devices of plan.idle.devices) {
      const fit = idleCount(devices);
      const registry: Device[] = Array.from({ length: fit.run }, (_, i) => ({
        id: `${IDLE_PREFIX}${i}`,
        kind: 'vessel',
        secretHash,
      }));
      await withHub(run, `idle-${devices}`, registry, { maxConnections: fit.run + 1000 }, async (target) => {
        run.idle.push(
          await runIdle(target, {
            devices,
            ...fit,
            idPrefix: IDLE_PREFIX,
            password,
            concurrency: plan.idle.concurrency,
          }),
        );
      });
    }
  }
  if (plan.scenarios.includes('alerts')) {
    const a = plan.alerts;
    const n = a.backgroundConnections + a.alertVessels;
    const devices: Device[] = [
      ...fleetRegistry({ vessels: n, seed: plan.seed, secrets: secretsFor(n) }),
      { id: OPERATOR_ID, kind: 'operator', secretHash },
    ];
    await withHub(run, 'alerts', devices, { rules: benchRules(a.rules) }, async (target) => {
      run.alerts = await runAlertLatency(target, { ...a, password, seed: plan.seed }, a.rules);
    });
  }
}

export async function runBench(
  plan: Plan,
  command: string,
  progress: (line: string) => void,
): Promise<BenchReport> {
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  mkdirSync(join(workDir, 'profiles'));
  const cleanup = () => rmSync(workDir, { recursive: true, force: true });
  process.once('exit', cleanup);
  const influx = await openInflux(workDir);
  const run: Run = {
    plan,
    workDir,
    influx,
    password: randomBytes(18).toString('base64url'),
    progress,
    throughput: [],
    idle: [],
    alerts: null,
    cluster: null,
    profiles: {},
    errors: [],
    notes: [],
  };
  try {
    const machine = describeMachine(influx.description);
    if (plan.brokers.includes('aedes')) await referenceScenarios(run, 'aedes');
    if (plan.brokers.includes('mosquitto')) await referenceScenarios(run, 'mosquitto');
    if (plan.brokers.includes('hub')) await hubScenarios(run);
    if (plan.brokers.includes('hub') && plan.scenarios.includes('cluster')) {
      await attempt(run, 'cluster', async () => {
        const { runClusterScenario } = await import('./cluster.ts');
        run.cluster = await runClusterScenario({
          workDir: join(workDir, 'cluster'),
          influx,
          log: progress,
          durationMs: plan.mode === 'quick' ? 5_000 : 10_000,
        });
      });
    }
    return {
      command,
      mode: plan.mode,
      startedAt: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      machine: { ...machine, loadAverageAtEnd: loadAverage() },
      throughput: run.throughput,
      idle: run.idle,
      alerts: run.alerts,
      cluster: run.cluster,
      ratios: computeRatios(run.throughput),
      targets: checkTargets(run.throughput, run.idle, run.alerts, plan.mode),
      profiles: run.profiles,
      errors: run.errors,
      notes: run.notes,
    };
  } finally {
    await influx.stop();
    cleanup();
    process.off('exit', cleanup);
  }
}
