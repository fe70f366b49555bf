/**
 * What `/health`, `/health/ready` and `hub/status/{instance}` report, gathered from the running parts.
 * Ready = accepting and spooling data; an InfluxDB outage alone degrades the hub but leaves it ready,
 * because the spool absorbs it.
 */

export interface ComponentHealth {
  ok: boolean;
  /** Why it is not ok, in a sentence an operator can act on. */
  reason?: string;
  [key: string]: unknown;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'unready';
  ready: boolean;
  instance: string;
  uptimeS: number;
  components: Record<string, ComponentHealth>;
  reasons: string[];
}

export type HealthSource = () => Record<string, ComponentHealth>;

/** Components whose failure makes the hub unready (it cannot accept data); others only degrade it. */
const READINESS_COMPONENTS = new Set(['broker', 'spool']);

export function buildHealth(
  instance: string,
  startedAtMs: number,
  nowMs: number,
  source: HealthSource,
): HealthReport {
  const components = source();
  const reasons: string[] = [];
  let ready = true;
  for (const [name, health] of Object.entries(components)) {
    if (health.ok) continue;
    reasons.push(`${name}: ${health.reason ?? 'not ok'}`);
    if (READINESS_COMPONENTS.has(name)) ready = false;
  }
  return {
    status: !ready ? 'unready' : reasons.length > 0 ? 'degraded' : 'ok',
    ready,
    instance,
    uptimeS: Math.round((nowMs - startedAtMs) / 1000),
    components,
    reasons,
  };
}
