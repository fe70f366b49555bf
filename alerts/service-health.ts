/** The service's figures for `/health` (hub/health-components.ts) and the Prometheus metrics. */
import type { NotifyPipeline } from './pipeline.ts';
import type { RuleRuntime } from './rule-runtime.ts';
import type { SeedReport } from './seeding.ts';

export interface ServiceMetrics {
  notifierFailures: number;
  byNotifier: Record<string, { sent: number; failed: number; pending: number }>;
  firing: number;
  pending: number;
  decisionMsP99: number;
}

export function serviceMetrics(
  pipeline: NotifyPipeline | undefined,
  runtime: RuleRuntime,
  decisionMsP99: number,
): ServiceMetrics {
  const byNotifier: ServiceMetrics['byNotifier'] = {};
  for (const [key, s] of Object.entries(pipeline?.stats() ?? {}))
    byNotifier[key] = { sent: s.sent, failed: s.failed, pending: s.pending };
  return { notifierFailures: pipeline?.failures ?? 0, byNotifier, ...runtime.counts(), decisionMsP99 };
}

/** `ok` once started and while no notifier is failing. */
export function serviceHealth(
  pipeline: NotifyPipeline | undefined,
  runtime: RuleRuntime,
  state: { seed: SeedReport; lastTickMs: number | undefined; stateSavedAtMs: number | undefined },
) {
  const notifiers = pipeline?.stats() ?? {};
  const failing = Object.entries(notifiers)
    .filter(([, s]) => s.consecutiveFailures > 0)
    .map(([key]) => key);
  return {
    ok: pipeline !== undefined && failing.length === 0,
    rules: runtime.rules.length,
    sources: runtime.sources,
    ...runtime.counts(),
    outboxPending: pipeline?.pending() ?? 0,
    failingNotifiers: failing,
    notifiers,
    seed: state.seed,
    lastTickMs: state.lastTickMs,
    stateSavedAtMs: state.stateSavedAtMs,
  };
}
