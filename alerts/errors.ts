/** Coded errors of the alerts module, fastify-style: a stable `code`, a clear message, the cause. */
export type AlertsErrorCode =
  | 'HUB_ERR_ALERTS_RULES'
  | 'HUB_ERR_ALERTS_ZONE'
  | 'HUB_ERR_ALERTS_WEBHOOK'
  | 'HUB_ERR_ALERTS_EMAIL';

export class AlertsError extends Error {
  readonly code: AlertsErrorCode;
  /** A delivery error that retrying cannot fix (an HTTP 4xx): the entry is dropped, loudly. */
  readonly permanent: boolean;

  constructor(code: AlertsErrorCode, message: string, options?: { cause?: unknown; permanent?: boolean }) {
    super(`${code}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AlertsError';
    this.code = code;
    this.permanent = options?.permanent ?? false;
  }
}

export function badRules(where: string, detail: string, cause?: unknown): AlertsError {
  return new AlertsError('HUB_ERR_ALERTS_RULES', `${where}: ${detail}`, { cause });
}

export function badZone(file: string, detail: string, cause?: unknown): AlertsError {
  return new AlertsError('HUB_ERR_ALERTS_ZONE', `${file}: ${detail}`, { cause });
}
