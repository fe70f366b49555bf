/** Coded errors of the dashboards module (fastify's `FST_ERR_*` style). */

export type DashboardErrorCode =
  | 'HUB_ERR_DASHBOARD_SCHEMA'
  | 'HUB_ERR_DASHBOARD_USAGE'
  | 'HUB_ERR_DASHBOARD_PUSH'
  | 'HUB_ERR_DASHBOARD_CONFLICT';

export class DashboardError extends Error {
  readonly code: DashboardErrorCode;

  constructor(code: DashboardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'DashboardError';
  }
}

/** A query names a measurement, field or tag that DESIGN.md's schema does not have. */
export function schemaError(message: string): DashboardError {
  return new DashboardError('HUB_ERR_DASHBOARD_SCHEMA', message);
}

export function usageError(message: string): DashboardError {
  return new DashboardError('HUB_ERR_DASHBOARD_USAGE', message);
}

export function pushError(message: string, cause?: unknown): DashboardError {
  return new DashboardError('HUB_ERR_DASHBOARD_PUSH', message, cause === undefined ? undefined : { cause });
}
