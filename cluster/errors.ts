/** Coded errors of cluster mode, fastify-style: a stable `code`, a clear message, the cause. */
export type ClusterErrorCode =
  | 'HUB_ERR_CLUSTER_REDIS'
  | 'HUB_ERR_CLUSTER_INSTANCE_TAKEN'
  | 'HUB_ERR_CLUSTER_NOT_LEADER';

export class ClusterError extends Error {
  readonly code: ClusterErrorCode;
  /** fastify answers with this status when the error leaves a route. */
  readonly statusCode: number;

  constructor(code: ClusterErrorCode, message: string, options?: { cause?: unknown; statusCode?: number }) {
    super(`${code}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClusterError';
    this.code = code;
    this.statusCode = options?.statusCode ?? 500;
  }
}
