/**
 * `hub start`: wires broker → adapters → ingest (validate, enrich, spool, InfluxDB) → live stream, plus
 * the HTTP API and self-metrics, in one process. Each part is built by its own module; this file only
 * connects them and owns the start/stop order.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAdapters } from '../adapters/index.ts';
import { createModbusPoller, type ModbusPoller } from '../adapters/modbus/poller.ts';
import { type RunningBroker, startBroker } from '../broker/broker.ts';
import { openCluster } from '../cluster/hub-cluster.ts';
import type { LeaderDuty } from '../cluster/leadership.ts';
import { resolveFrom } from '../config/load.ts';
import type { HubConfig } from '../config/schema.ts';
import { DurableWriter } from '../ingest/durable.ts';
import { startInfluxd } from '../ingest/influxd-process.ts';
import { IngestPipeline } from '../ingest/pipeline.ts';
import type { Point } from '../ingest/point.ts';
import { Registry } from '../ingest/registry.ts';
import { SeriesClock } from '../ingest/time.ts';
import { AqiEnricher } from '../ingest/vn-aqi-enricher.ts';
import { type HubAlerts, startAlerts } from './alerts-wiring.ts';
import { httpActor } from './audit.ts';
import { deviceInfoPoints } from './device-info.ts';
import { mergeDevices, readDevicesFile } from './devices-file.ts';
import { buildHealth, type ComponentHealth, type HealthReport } from './health.ts';
import { buildHttpApp } from './http.ts';
import { LatestState } from './latest.ts';
import { createLogger } from './log.ts';
import { HubMetrics } from './metrics.ts';
import { createPublishGate } from './publish-gate.ts';
import { openSafeguards, type Safeguards } from './safeguards.ts';
import { hubPoint, STATUS_INTERVAL_MS, statusMessage } from './status.ts';

export interface HubOptions {
  config: HubConfig;
  /** Relative paths in the config resolve against this folder. */
  baseDir?: string;
  log?: Logger;
  now?: () => number;
  /** Where to record the writer's own log of what it sent (tests, crash checks). */
  writerRecordFile?: string;
  /** The config file, re-read when the rules are reloaded (SIGHUP, `POST /api/rules/reload`). */
  configFile?: string;
}

export interface Hub {
  config: HubConfig;
  log: Logger;
  metrics: HubMetrics;
  registry: Registry;
  pipeline: IngestPipeline;
  broker: RunningBroker;
  durable: DurableWriter;
  /** Audit log, evidence archive, HTTP guards. */
  safeguards: Safeguards;
  latest: LatestState;
  alerts: HubAlerts;
  app: FastifyInstance;
  mqttPort: number;
  wsPort: number | null;
  httpPort: number;
  influxUrl: string;
  health(): HealthReport;
  /** Writes the `hub` point and the retained status now (also done every 10 s). */
  reportStatus(): void;
  stop(): Promise<void>;
}

const SHUTDOWN_FLUSH_MS = 5_000;

export async function startHub(opts: HubOptions): Promise<Hub> {
  const { config } = opts;
  const baseDir = opts.baseDir ?? process.cwd();
  const log = opts.log ?? createLogger(config.log);
  const now = opts.now ?? Date.now;
  const startedAtMs = now();
  const metrics = new HubMetrics();
  const cleanups: Array<() => Promise<void> | void> = [];

  try {
    const devicesFile = config.devices.file ? resolveFrom(baseDir, config.devices.file) : undefined;
    const registry = new Registry(
      mergeDevices(config.devices.entries, devicesFile ? readDevicesFile(devicesFile) : []),
    );

    let influxUrl = config.influx.url;
    if (!influxUrl) {
      log.warn(
        { dir: config.influx.embeddedDir },
        'influx.url is not set: starting a PRIVATE influxd for development. A production config must name its InfluxDB server (influx.url / HUB_INFLUX_URL).',
      );
      const influxd = await startInfluxd({ dir: resolveFrom(baseDir, config.influx.embeddedDir), log });
      cleanups.push(() => influxd.stop());
      influxUrl = influxd.url;
      log.warn({ service: 'influxdb', url: influxUrl, embedded: true }, 'listening');
    }

    const seriesClock = new SeriesClock();
    // Filled once the pipeline exists: the writer reports lines InfluxDB refused as dead letters.
    let pipelineRef: IngestPipeline | undefined;
    const durable = await DurableWriter.open({
      spool: { ...config.spool, dir: resolveFrom(baseDir, config.spool.dir) },
      influx: { ...config.influx, url: influxUrl },
      log: log.child({ module: 'writer' }),
      ...(opts.writerRecordFile || config.spool.recordFile
        ? { recordFile: opts.writerRecordFile ?? resolveFrom(baseDir, config.spool.recordFile as string) }
        : {}),
      hooks: {
        written: (lines, ms) => metrics.recordWrite(lines, ms),
        writeError: (kind) => metrics.recordWriteError(kind),
        influxUp: () => {}, // the drainer logs each change, with its reason
        rejected: (lines, error) => {
          for (const line of lines) {
            if (line.startsWith('deadletter,')) {
              log.error({ line, error }, 'InfluxDB refused a dead-letter record');
              continue;
            }
            pipelineRef?.deadLetter(
              { topic: '(influxdb)', client: 'hub', reason: 'influx_rejected', error, payload: line },
              now(),
            );
          }
        },
      },
    });
    cleanups.push(() => durable.close());
    const safeguards = await openSafeguards({ config, baseDir, log, metrics, influxUrl, now });
    cleanups.push(() => safeguards.close());

    const adapterCtx = {
      log: log.child({ module: 'adapters' }),
      registry,
      seriesClock,
      limits: { maxAgeDays: config.ingest.maxAgeDays },
      now,
    };
    const adapters = createAdapters(adapterCtx, { stationFieldAliases: config.ingest.stations.fieldAliases });
    const aqi = new AqiEnricher({});
    const latest = new LatestState();

    let broker: RunningBroker | undefined;
    // The alert engine joins the live stream once it has started (it needs the broker to publish).
    let onLive: (points: Point[], receivedAtMs: number) => void = () => {};
    const publish = (topic: string, payload: string, qos: 0 | 1 = 0, retain = false) => {
      broker
        ?.publish(topic, payload, { qos, retain })
        .catch((err) => log.warn({ err, topic }, 'hub publish failed'));
    };

    const pipeline = new IngestPipeline({
      adapters: adapters.bySource,
      durable,
      metrics,
      seriesClock,
      log: log.child({ module: 'ingest' }),
      enrich: (point) => (point.measurement === 'environment' ? aqi.enrich(point) : [point]),
      publish: (topic, payload) => publish(topic, payload),
      onAccepted: (points, receivedAtMs) => {
        latest.update(points);
        onLive(points, receivedAtMs);
      },
    });
    pipelineRef = pipeline;

    const gate = createPublishGate({ durable, pipeline, metrics, archive: safeguards.archive, now });
    cleanups.push(() => gate.stop());
    const spoolFull = gate.spoolFull;

    // Cluster mode: Redis reachable and this hub's instance name claimed before aedes runs on it.
    const cluster = config.broker.cluster
      ? await openCluster({
          config: config.broker.cluster,
          instance: config.broker.instance,
          log: log.child({ module: 'cluster' }),
          now,
        })
      : undefined;
    if (cluster) cleanups.push(() => cluster.close());

    broker = await startBroker({
      config: config.broker,
      registry,
      log: log.child({ module: 'broker' }),
      metrics,
      baseDir,
      now,
      ...(cluster ? { backends: cluster.backends } : {}),
      hooks: {
        onPublish: gate.onPublish,
        onRateLimited: (client, packet) =>
          pipeline.deadLetter(
            {
              topic: packet.topic,
              client: client.name,
              reason: 'rate_limited',
              error: `over broker.maxPublishPerSecond (${config.broker.maxPublishPerSecond}/s): acknowledged, not ingested`,
              payload: packet.payload as Buffer,
            },
            now(),
          ),
        onOversize: (client, bytes) => {
          log.warn(
            { client: client.name, bytes, max: config.broker.maxPacketBytes },
            'oversize packet refused',
          );
          pipeline.deadLetter(
            {
              topic: '(unread)',
              client: client.name,
              reason: 'packet_too_large',
              error: `packet of ${bytes} bytes exceeds broker.maxPacketBytes ${config.broker.maxPacketBytes}`,
            },
            now(),
          );
        },
      },
    });
    const runningBroker = broker;
    cleanups.push(() => runningBroker.close());

    const aisExpiry = setInterval(() => {
      const rejects = adapters.expireAisFragments(now());
      for (const r of rejects) {
        const dl = { topic: r.topic || '(ais)', client: r.client || 'hub', reason: r.reason, error: r.error };
        pipeline.deadLetter({ ...dl, ...(r.raw !== undefined ? { payload: r.raw } : {}) }, now());
      }
    }, 1_000);
    cleanups.push(() => clearInterval(aisExpiry));
    const aqiTick = setInterval(() => pipeline.writeInternal(aqi.tick(now())), 60_000);
    cleanups.push(() => clearInterval(aqiTick));

    // One poller: on a hub of its own it starts now; in a cluster the leader runs it (a leader duty).
    let modbus: ModbusPoller | undefined;
    const modbusDuty: LeaderDuty = {
      name: 'modbus',
      start: async () => {
        if (modbus || config.modbus.devices.length === 0) return;
        const poller = createModbusPoller(config.modbus, {
          log: log.child({ module: 'modbus' }),
          registry,
          now,
          emit: (points) =>
            pipeline.writeInternal(
              points.flatMap((p) => aqi.enrich(p)),
              { live: true },
            ),
        });
        await poller.start();
        modbus = poller;
      },
      stop: async () => {
        const poller = modbus;
        modbus = undefined;
        await poller?.stop();
      },
    };
    if (config.modbus.devices.length > 0) {
      metrics.watchModbus(() => modbus?.status() ?? []);
      if (!cluster) {
        await modbusDuty.start();
        cleanups.push(() => modbusDuty.stop());
      }
    }

    const deviceInfoDuty: LeaderDuty = {
      name: 'device-info',
      start: async () => pipeline.writeInternal(deviceInfoPoints(registry.all(), now())),
      stop: async () => {},
    };
    if (!cluster) await deviceInfoDuty.start();

    const alertDeps: Parameters<typeof startAlerts>[0] = {
      config,
      baseDir,
      configFile: opts.configFile,
      registry,
      log: log.child({ module: 'alerts' }),
      now,
      influx: { ...config.influx, url: influxUrl },
      publish: (topic, payload, o) => runningBroker.publish(topic, payload, o),
      // Alert and fleet-state points are stored, not fed back into the engine.
      writePoints: (points) => pipeline.writeInternal(points),
    };
    // In a cluster the alerts run on the leader only, fed with the whole stream through the emitter.
    const alerts = cluster ? cluster.alerts(alertDeps) : await startAlerts(alertDeps);
    cleanups.push(() => alerts.stop());
    onLive = alerts.onPoints;
    if (cluster) {
      await cluster.lead({
        aedes: runningBroker.aedes,
        registry,
        now,
        maxAgeDays: config.ingest.maxAgeDays,
        stationFieldAliases: config.ingest.stations.fieldAliases,
        onPoints: (points, receivedAtMs) => alerts.onPoints(points, receivedAtMs),
        duties: [modbusDuty, deviceInfoDuty],
      });
      cleanups.push(() => cluster.stepDown());
    }

    const healthSource = (): Record<string, ComponentHealth> => {
      const stats = durable.stats();
      const components: Record<string, ComponentHealth> = {
        broker: { ok: true, clients: runningBroker.clientCount(), mqttPort: runningBroker.mqttPort },
        spool: spoolFull()
          ? { ok: false, reason: 'spool is full: QoS 1 publishes wait, QoS 0 are refused', ...stats }
          : { ok: true, lines: stats.spoolLines, bytes: stats.spoolBytes },
        influxdb: stats.influxUp
          ? { ok: true, url: influxUrl }
          : {
              ok: false,
              reason: `unreachable or failing (${stats.lastError ?? 'no answer yet'}); the spool holds the data`,
              url: influxUrl,
            },
      };
      components.alerts = alerts.health();
      if (cluster) components.cluster = cluster.health();
      if (modbus) {
        // A device counts as down once a poll has failed, not while its first poll is under way.
        const down = modbus.status().filter((d) => !d.up && d.polls > 0);
        components.modbus = down.length
          ? {
              ok: false,
              reason: `devices down: ${down.map((d) => d.station).join(', ')}`,
              devices: modbus.status(),
            }
          : { ok: true, devices: modbus.status() };
      }
      return components;
    };
    const health = () => buildHealth(config.broker.instance, startedAtMs, now(), healthSource);

    const app = buildHttpApp({
      log,
      metrics,
      health,
      latest,
      security: safeguards.httpSecurity,
      routes: [
        ...safeguards.routes,
        ...alerts.routes(health, (action, detail) =>
          safeguards.audit.record({ action, actor: httpActor(String(detail.operator ?? '')), detail }),
        ),
      ],
    });
    await app.listen({ port: config.http.port, host: config.http.host });
    const httpPort = (app.server.address() as { port: number }).port;
    log.info({ service: 'http', host: config.http.host, port: httpPort }, 'listening');
    cleanups.push(() => app.close());

    const reportStatus = () => {
      const stats = durable.stats();
      metrics.spoolPoints.set(stats.spoolLines);
      metrics.spoolBytes.set(stats.spoolBytes);
      metrics.clients.set(runningBroker.clientCount());
      const point = hubPoint(
        {
          instance: config.broker.instance,
          metrics,
          spoolPoints: () => stats.spoolLines,
          clients: () => runningBroker.clientCount(),
          notifierFailures: () => alerts.notifierFailures(),
          health,
        },
        now(),
      );
      pipeline.writeInternal([point]);
      publish(`hub/status/${config.broker.instance}`, statusMessage(point, health(), now()), 1, true);
    };
    const statusTimer = setInterval(reportStatus, STATUS_INTERVAL_MS);
    cleanups.push(() => clearInterval(statusTimer));

    let stopped: Promise<void> | undefined;
    const stop = () => {
      stopped ??= (async () => {
        log.info('stopping: no new connections, flushing the spool');
        await runningBroker.stopListening().catch(() => {});
        const drained = await durable.flush(SHUTDOWN_FLUSH_MS).catch(() => false);
        if (!drained)
          log.warn({ spool: durable.stats().spoolLines }, 'spool not empty at stop: drained at next start');
        await runCleanups(cleanups, log);
      })();
      return stopped;
    };

    return {
      config,
      log,
      metrics,
      registry,
      pipeline,
      broker: runningBroker,
      durable,
      safeguards,
      latest,
      alerts,
      app,
      mqttPort: runningBroker.mqttPort,
      wsPort: runningBroker.wsPort,
      httpPort,
      influxUrl,
      health,
      reportStatus,
      stop,
    };
  } catch (err) {
    await runCleanups(cleanups, log);
    throw err;
  }
}

async function runCleanups(cleanups: Array<() => Promise<void> | void>, log: Logger): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      log.warn({ err }, 'error while stopping');
    }
  }
  cleanups.length = 0;
}
