/**
 * The hub's configuration (DESIGN.md "CLI and config"): one YAML file, validated here with zod.
 * Every default lives in this file, with its unit in the name or a comment. Unknown keys are errors.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { ModbusConfigSchema } from '../adapters/modbus/config.ts';
import { StationsConfigSchema } from '../adapters/stations/config.ts';
import { AlertsConfigSchema } from '../alerts/config.ts';
import { TlsConfigSchema } from '../broker/tls.ts';
import { ClusterConfigSchema } from '../cluster/config.ts';
import { HttpTokenSchema } from '../hub/http-auth.ts';
import { DeviceSchema } from '../ingest/registry.ts';

const port = z.number().int().min(0).max(65_535);

export const BrokerConfigSchema = z
  .object({
    host: z.string().default('0.0.0.0'),
    /** MQTT over TCP; 0 = any free port. */
    port: port.default(1883),
    /** MQTT over WebSocket; 0 = any free port, -1 = off. */
    wsPort: z.number().int().min(-1).max(65_535).default(8083),
    /** Names this hub in `hub/status/{instance}` and the `hub` measurement. */
    instance: z.string().min(1).default(hostname()),
    allowAnonymous: z.boolean().default(false),
    /** Larger MQTT packets are refused before they are buffered (256 KiB). */
    maxPacketBytes: z
      .number()
      .int()
      .min(1024)
      .default(256 * 1024),
    /** A socket that has not finished CONNECT by then is closed. */
    connectTimeoutMs: z.number().int().positive().default(10_000),
    /** aedes drops a subscriber that does not drain its socket within this time. */
    drainTimeoutMs: z.number().int().min(0).default(30_000),
    /** MQTT over TLS (and secure WebSocket) from PEM files; unset = off. */
    tls: TlsConfigSchema.optional(),
    /** Open sockets over every listener; beyond it new sockets are closed at once. */
    maxConnections: z.number().int().min(1).default(20_000),
    /** Publishes per second per client (token bucket); excess is dead-lettered `rate_limited`; 0 = no limit. */
    maxPublishPerSecond: z.number().min(0).default(1000),
    /** Publishes a client may send at once above the rate. */
    publishBurst: z.number().int().min(1).default(2000),
    maxSubscriptionsPerClient: z.number().int().min(1).default(100),
    /** Several hubs sharing one Redis (cluster/README.md); unset = a hub on its own. */
    cluster: ClusterConfigSchema.optional(),
  })
  .strict();

export const InfluxConfigSchema = z
  .object({
    /** Unset: the hub starts a private influxd of its own (development only; says so loudly). */
    url: z.string().url().optional(),
    database: z.string().min(1).default('telemetry'),
    retentionPolicy: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    /** InfluxDB 2.x/3.x token, sent as `Authorization: Token ...`. */
    token: z.string().optional(),
    /** CREATE DATABASE on start when the server allows it (1.x). */
    createDatabase: z.boolean().default(true),
    maxBatchLines: z.number().int().min(1).default(5000),
    /** The longest a point waits before its batch leaves, ms. */
    flushIntervalMs: z.number().int().min(1).max(1000).default(200),
    /** Write requests in flight at once. */
    maxInFlight: z.number().int().min(1).max(32).default(4),
    timeoutMs: z.number().int().positive().default(10_000),
    retryMinMs: z.number().int().positive().default(100),
    retryMaxMs: z.number().int().positive().default(30_000),
    /** Data directory of the embedded influxd (when `url` is unset). */
    embeddedDir: z.string().default('./data/influxdb'),
    /** Decree 41/2026 keeps VMS data ≥ 36 months: a shorter retention policy is lengthened (or warned of); 0 = no check. */
    minRetentionDays: z.number().int().min(0).default(1100),
  })
  .strict();

export const HttpConfigSchema = z
  .object({
    host: z.string().default('0.0.0.0'),
    /** 0 = any free port. */
    port: port.default(8080),
    /** Operator bearer tokens (SHA-256 hashes, scopes); none = the API answers loopback clients only. */
    tokens: z.array(HttpTokenSchema).default([]),
    /** Requests per minute per client address (health checks exempt); 0 = no limit. */
    rateLimitPerMinute: z.number().int().min(0).default(600),
    rateLimitBurst: z.number().int().min(1).default(100),
  })
  .strict();

export const DevicesConfigSchema = z
  .object({
    /** A YAML file holding a list of devices (`hub devices ...` edits it). */
    file: z.string().optional(),
    entries: z.array(DeviceSchema).default([]),
  })
  .strict();

export const IngestConfigSchema = z
  .object({
    /** Device times older than this are dead-lettered (`implausible_time`); 0 = no age check (backfills). */
    maxAgeDays: z.number().min(0).default(7),
    /** Station gateways: `fieldAliases` maps a gateway's own names to `environment` fields. */
    stations: StationsConfigSchema.prefault({}),
    /** Evidence archive (Decree 41/2026): every raw vessel message, hash-chained, fsync'd before its PUBACK. */
    archive: z
      .object({
        enabled: z.boolean().default(true),
        dir: z.string().default('./data/archive'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const SpoolConfigSchema = z
  .object({
    dir: z.string().default('./data/spool'),
    /** A segment file rolls over at this size (64 MiB). */
    segmentBytes: z
      .number()
      .int()
      .min(4096)
      .default(64 * 1024 * 1024),
    /** Cap on data not yet in InfluxDB (10 GiB); disk may hold up to one segment more. When full, QoS 1
     * publishes are not acknowledged and QoS 0 are refused. */
    maxBytes: z
      .number()
      .int()
      .min(4096)
      .default(10 * 1024 * 1024 * 1024),
    /** Debug: the writer's record of every batch sent (crash tests count duplicates from it). */
    recordFile: z.string().optional(),
  })
  .strict();

export const LogConfigSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Human-readable logs; default: when stdout is a TTY. */
    pretty: z.boolean().optional(),
    /** JSON lines of operator actions: acks, mutes, rule reloads, registry changes, track exports. */
    auditFile: z.string().default('./data/audit.log'),
  })
  .strict();

export const HubConfigSchema = z
  .object({
    broker: BrokerConfigSchema.prefault({}),
    influx: InfluxConfigSchema.prefault({}),
    http: HttpConfigSchema.prefault({}),
    devices: DevicesConfigSchema.prefault({}),
    modbus: ModbusConfigSchema.prefault({}),
    alerts: AlertsConfigSchema.prefault({}),
    ingest: IngestConfigSchema.prefault({}),
    spool: SpoolConfigSchema.prefault({}),
    log: LogConfigSchema.prefault({}),
  })
  .strict();

export type HubConfig = z.infer<typeof HubConfigSchema>;
export type HubConfigInput = z.input<typeof HubConfigSchema>;
