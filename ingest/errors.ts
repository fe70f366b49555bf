/**
 * Coded errors of the durable ingest path (spool, InfluxDB writer, embedded influxd), fastify-style:
 * a stable `code`, a clear message and the cause.
 */
export type IngestErrorCode =
  | 'HUB_ERR_SPOOL_FULL'
  | 'HUB_ERR_SPOOL_CLOSED'
  | 'HUB_ERR_SPOOL_BAD_LINE'
  | 'HUB_ERR_SPOOL_IO'
  | 'HUB_ERR_NO_INFLUXD'
  | 'HUB_ERR_INFLUXD_START'
  | 'HUB_ERR_DIR_LOCKED';

export class IngestError extends Error {
  readonly code: IngestErrorCode;

  constructor(code: IngestErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = 'IngestError';
    this.code = code;
  }
}

export function spoolFull(bytes: number, maxBytes: number): IngestError {
  return new IngestError(
    'HUB_ERR_SPOOL_FULL',
    `spool holds ${bytes} bytes, at its cap spool.maxBytes=${maxBytes}; nothing more is accepted until InfluxDB catches up`,
  );
}

export function spoolClosed(): IngestError {
  return new IngestError('HUB_ERR_SPOOL_CLOSED', 'the spool is closed');
}

export function spoolBadLine(line: string): IngestError {
  return new IngestError(
    'HUB_ERR_SPOOL_BAD_LINE',
    `a spooled line must be non-empty and hold no line break: ${JSON.stringify(line.slice(0, 120))}`,
  );
}

export function spoolIo(what: string, cause: unknown): IngestError {
  return new IngestError('HUB_ERR_SPOOL_IO', `${what}: ${(cause as Error)?.message ?? cause}`, { cause });
}

export function noInfluxd(): IngestError {
  return new IngestError(
    'HUB_ERR_NO_INFLUXD',
    'no `influxd` on PATH to start a private InfluxDB: install it (`apt-get install influxdb`), ' +
      'or set influx.url (HUB_INFLUX_URL) to a running server, e.g. after `docker compose up influxdb`',
  );
}

export function influxdStart(message: string, cause?: unknown): IngestError {
  return new IngestError('HUB_ERR_INFLUXD_START', message, { cause });
}
