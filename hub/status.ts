/**
 * Self-metrics every 10 s (DESIGN.md): a `hub` point through the spool, and a retained JSON status on
 * `hub/status/{instance}` for anyone watching the broker.
 */
import type { Point } from '../ingest/point.ts';
import { msToNs } from '../ingest/point.ts';
import type { HealthReport } from './health.ts';
import type { HubMetrics } from './metrics.ts';

export const STATUS_INTERVAL_MS = 10_000;

export interface StatusInputs {
  instance: string;
  metrics: HubMetrics;
  spoolPoints(): number;
  clients(): number;
  notifierFailures(): number;
}

export function hubPoint(inputs: StatusInputs, nowMs: number): Point {
  const { totals } = inputs.metrics;
  return {
    measurement: 'hub',
    tags: { instance: inputs.instance },
    fields: {
      msgs_in: totals.msgsIn,
      points_written: totals.pointsWritten,
      write_errors: totals.writeErrors,
      write_ms_p99: inputs.metrics.takeWriteP99(),
      spool_points: inputs.spoolPoints(),
      deadletters: totals.deadLetters,
      clients: inputs.clients(),
      notifier_failures: inputs.notifierFailures(),
    },
    time: msToNs(nowMs),
  };
}

export function statusMessage(point: Point, health: HealthReport, nowMs: number): string {
  return JSON.stringify({
    instance: health.instance,
    time: new Date(nowMs).toISOString(),
    status: health.status,
    ready: health.ready,
    reasons: health.reasons,
    uptime_s: health.uptimeS,
    ...point.fields,
  });
}

/** The 10 s report: gauges refreshed, the `hub` point through the spool, the retained status message. */
export function statusReporter(deps: {
  instance: string;
  metrics: HubMetrics;
  spool(): { spoolLines: number; spoolBytes: number };
  clients(): number;
  notifierFailures(): number;
  health(): HealthReport;
  now(): number;
  write(point: Point): void;
  publish(topic: string, payload: string): void;
}): () => void {
  return () => {
    const spool = deps.spool();
    const clients = deps.clients();
    deps.metrics.spoolPoints.set(spool.spoolLines);
    deps.metrics.spoolBytes.set(spool.spoolBytes);
    deps.metrics.clients.set(clients);
    const nowMs = deps.now();
    const point = hubPoint(
      {
        instance: deps.instance,
        metrics: deps.metrics,
        spoolPoints: () => spool.spoolLines,
        clients: () => clients,
        notifierFailures: deps.notifierFailures,
      },
      nowMs,
    );
    deps.write(point);
    deps.publish(`hub/status/${deps.instance}`, statusMessage(point, deps.health(), nowMs));
  };
}
