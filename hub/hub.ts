/**
 * `hub start`: wires broker → adapters → ingest (validate, enrich, spool, InfluxDB) → live stream, plus
 * the HTTP API and self-metrics, in one process. Each part is built by its own module; this file only
 * connects them and owns the start/stop order.
 */
import { createAdapters } from '../adapters/index.ts';
import { type RunningBroker, startBroker } from '../broker/broker.ts';
import { openCluster } from '../cluster/hub-cluster.ts';
import type { LeaderDuty } from '../cluster/leadership.ts';
import { resolveFrom } from '../config/load.ts';
import { IngestPipeline } from '../ingest/pipeline.ts';
import type { Point } from '../ingest/point.ts';
import { Registry } from '../ingest/registry.ts';
import { SeriesClock } from '../ingest/time.ts';
import { AqiEnricher } from '../ingest/vn-aqi-enricher.ts';
import { startAlerts } from './alerts-wiring.ts';
import { httpActor } from './audit.ts';
import { runCleanups } from './cleanups.ts';
import { deviceInfoPoints } from './device-info.ts';
import { mergeDevices, readDevicesFile } from './devices-file.ts';
import { buildHealth } from './health.ts';
import { healthComponents } from './health-components.ts';
import { buildHttpApp } from './http.ts';
import type { Hub, HubOptions } from './hub-types.ts';
import { influxUrlFor } from './influx-target.ts';
import { LatestState } from './latest.ts';
import { createLogger } from './log.ts';
import { HubMetrics } from './metrics.ts';
import { modbusDuty } from './modbus-duty.ts';
import { createPublishGate } from './publish-gate.ts';
import { openSafeguards } from './safeguards.ts';
import { STATUS_INTERVAL_MS, statusReporter } from './status.ts';
import { openWriter } from './writer.ts';

export type { Hub, HubOptions };

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

    const influxUrl = await influxUrlFor(config, baseDir, log, (stop) => cleanups.push(stop));

    const seriesClock = new SeriesClock();
    // Filled once the pipeline exists: the writer reports lines InfluxDB refused as dead letters.
    let pipelineRef: IngestPipeline | undefined;
    const durable = await openWriter({
      config,
      baseDir,
      influxUrl,
      log: log.child({ module: 'writer' }),
      metrics,
      recordFile: opts.writerRecordFile,
      deadLetter: (dl) => pipelineRef?.deadLetter(dl, now()),
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

    const gate = createPublishGate({
      broker: config.broker,
      durable,
      pipeline,
      metrics,
      archive: safeguards.archive,
      log,
      now,
    });
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
        onRateLimited: gate.onRateLimited,
        onOversize: gate.onOversize,
      },
    });
    const runningBroker = broker;
    cleanups.push(() => runningBroker.close());

    // Orphan AIS fragments past their timeout are dead letters of the client that sent them.
    const aisExpiry = setInterval(() => {
      for (const r of adapters.expireAisFragments(now())) {
        const dl = { topic: r.topic || '(ais)', client: r.client || 'hub', reason: r.reason, error: r.error };
        pipeline.deadLetter({ ...dl, ...(r.raw !== undefined ? { payload: r.raw } : {}) }, now());
      }
    }, 1_000);
    cleanups.push(() => clearInterval(aisExpiry));
    const aqiTick = setInterval(() => pipeline.writeInternal(aqi.tick(now())), 60_000);
    cleanups.push(() => clearInterval(aqiTick));

    const modbus = modbusDuty({
      config: config.modbus,
      registry,
      log: log.child({ module: 'modbus' }),
      now,
      seriesClock,
      emit: (points) =>
        pipeline.writeInternal(
          points.flatMap((p) => aqi.enrich(p)),
          { live: true },
        ),
    });
    if (config.modbus.devices.length > 0) {
      metrics.watchModbus(() => modbus.poller()?.status() ?? []);
      if (!cluster) {
        await modbus.start();
        cleanups.push(() => modbus.stop());
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
        duties: [modbus, deviceInfoDuty],
      });
      cleanups.push(() => cluster.stepDown());
    }

    const healthSource = () =>
      healthComponents({
        durable,
        spoolFull,
        broker: runningBroker,
        influxUrl,
        alerts,
        cluster,
        modbus: modbus.poller(),
      });
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

    const reportStatus = statusReporter({
      instance: config.broker.instance,
      metrics,
      spool: () => durable.stats(),
      clients: () => runningBroker.clientCount(),
      notifierFailures: () => alerts.notifierFailures(),
      health,
      now,
      write: (point) => pipeline.writeInternal([point]),
      publish: (topic, payload) => publish(topic, payload, 1, true),
    });
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
