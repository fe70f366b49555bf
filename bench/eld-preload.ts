/**
 * Loaded into the measured Node processes (the hub, bare aedes) with `node --import tsx --import
 * ./bench/eld-preload.ts`: it measures from the inside what /proc cannot see, and answers the bench over
 * the IPC channel (`{ bench: 'sample', reset?, gc? }` → `{ bench: 'sample', ... }`):
 * - event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution timer);
 * - V8 heap and RSS (process.memoryUsage());
 * - on request, a V8 CPU profile of a scenario's window (node:inspector, the same profiler as --cpu-prof);
 * - the alert engine's time per call (AlertService.onPoints, wrapped) when BENCH_TAP_ALERTS=1;
 * - publish → written: every 2xx answer to a `/write` request (the hub's InfluxDB writer) is matched
 *   with its body, and each `vessel_position` line's timestamp (the publish time the load generator
 *   carried) is subtracted from the answer's time (write-tap.ts). Observed with diagnostics_channel and
 *   a wrapper of ClientRequest.end that keeps a reference to the body: no copy, nothing else changes.
 * Nothing happens without an IPC channel, so the module is inert in a process started any other way.
 */
import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { ClientRequest, type IncomingMessage } from 'node:http';
import { Session } from 'node:inspector';
import { createHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { writtenLatencies } from './write-tap.ts';

interface SampleRequest {
  bench: 'sample';
  id: number;
  reset?: boolean;
  gc?: boolean;
}

interface ProfileRequest {
  bench: 'profile';
  id: number;
  /** Where to write the `.cpuprofile` on stop. */
  stop?: string;
}

const BODY = Symbol('bench.writeBody');
const PREFIX = Buffer.from('vessel_position,');
const NS_PER_MS = 1e6;

type Tapped = ClientRequest & { [BODY]?: Uint8Array };

async function install(send: (message: unknown) => void): Promise<void> {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  // Latencies in µs (the histogram takes integers ≥ 1); the carried times are whole milliseconds.
  const written = createHistogram();
  let writtenLines = 0;
  let negative = 0;

  const end = ClientRequest.prototype.end;
  ClientRequest.prototype.end = function (this: Tapped, ...args: unknown[]) {
    const chunk = args[0];
    if (chunk instanceof Uint8Array && this.path.includes('/write?')) this[BODY] = chunk;
    return (end as (...a: unknown[]) => ClientRequest).apply(this, args);
  } as typeof end;
  dc.subscribe('http.client.response.finish', (message) => {
    const { request, response } = message as { request: Tapped; response: IncomingMessage };
    const body = request[BODY];
    if (!body) return;
    request[BODY] = undefined;
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) return;
    writtenLines += writtenLatencies(body, PREFIX, Date.now(), (ms) => {
      if (ms < 0) negative++;
      written.record(Math.max(1, Math.round(ms * 1000)));
    });
  });

  // The alert engine's own time per batch of points (what the "decision" target is about): the
  // hub's AlertService.onPoints, timed around the call. Only in the hub (its parent asks for it).
  const decision = createHistogram();
  if (process.env.BENCH_TAP_ALERTS === '1') {
    const { AlertService } = await import('../alerts/service.ts');
    const onPoints = AlertService.prototype.onPoints;
    AlertService.prototype.onPoints = function (this: InstanceType<typeof AlertService>, ...args) {
      const started = performance.now();
      try {
        return onPoints.apply(this, args);
      } finally {
        decision.record(Math.max(1, Math.round((performance.now() - started) * 1000)));
      }
    };
  }
  const us = (h: typeof decision, p: number) =>
    h.count > 0 ? (p === 100 ? h.max : h.percentile(p)) / 1000 : 0;
  const ms = (ns: number) => Math.round((ns / NS_PER_MS) * 100) / 100;
  let session: Session | undefined;
  process.on('message', (raw: unknown) => {
    const profile = raw as Partial<ProfileRequest>;
    if (profile?.bench === 'profile') {
      // The scenario's window only (`node --cpu-prof` would also profile the start, module loading included).
      if (!profile.stop) {
        session = new Session();
        session.connect();
        session.post('Profiler.enable', () =>
          session?.post('Profiler.start', () => send({ bench: 'profile', id: profile.id })),
        );
        return;
      }
      const file = profile.stop;
      session?.post('Profiler.stop', (err, result) => {
        if (!err) writeFileSync(file, JSON.stringify(result.profile));
        session?.disconnect();
        session = undefined;
        send({ bench: 'profile', id: profile.id, ...(err ? { error: err.message } : { file }) });
      });
      return;
    }
    const req = raw as Partial<SampleRequest>;
    if (req?.bench !== 'sample') return;
    if (req.gc) (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    const hasWrites = written.count > 0;
    send({
      bench: 'sample',
      id: req.id,
      eldMs: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max) },
      heapUsedMb: Math.round(mem.heapUsed / 1e5) / 10,
      heapTotalMb: Math.round(mem.heapTotal / 1e5) / 10,
      rssMb: Math.round(mem.rss / 1e5) / 10,
      decisionMs: {
        calls: decision.count,
        p50: us(decision, 50),
        p99: us(decision, 99),
        max: us(decision, 100),
      },
      writtenMs: {
        lines: writtenLines,
        aheadOfClock: negative,
        p50: hasWrites ? written.percentile(50) / 1000 : 0,
        p99: hasWrites ? written.percentile(99) / 1000 : 0,
        max: hasWrites ? written.max / 1000 : 0,
      },
    });
    if (req.reset) {
      eld.reset();
      written.reset();
      decision.reset();
      writtenLines = 0;
      negative = 0;
    }
  });
  process.channel?.unref();
}

if (process.send) {
  const send = process.send.bind(process);
  await install((message) => send(message as never));
}
