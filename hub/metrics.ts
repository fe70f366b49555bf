/**
 * The hub's counters, exported as Prometheus text on `/metrics` and summarised every 10 s into `hub`
 * points (DESIGN.md). One registry per hub instance, so tests can run several hubs in one process.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Increments of a one-label counter kept as plain numbers and handed to prom-client when it is read
 * (`collect`, on a scrape): prom-client validates and hashes the labels on every `inc`, and these run
 * per message and per point.
 */
class PendingCounts {
  readonly #counts = new Map<string, number>();

  add(value: string): void {
    this.#counts.set(value, (this.#counts.get(value) ?? 0) + 1);
  }

  flushInto<T extends string>(counter: Counter<T>, label: T): void {
    for (const [value, n] of this.#counts) counter.inc({ [label]: value } as Partial<Record<T, string>>, n);
    this.#counts.clear();
  }
}

export class HubMetrics {
  readonly registry = new Registry();
  readonly #msgsInByRoot = new PendingCounts();
  readonly #acceptedByMeasurement = new PendingCounts();
  readonly msgsIn: Counter<'root'> = new Counter({
    name: 'hub_messages_in_total',
    help: 'MQTT messages received on data topics, by topic root',
    labelNames: ['root'],
    registers: [this.registry],
    collect: () => this.#msgsInByRoot.flushInto(this.msgsIn, 'root'),
  });
  readonly pointsAccepted: Counter<'measurement'> = new Counter({
    name: 'hub_points_accepted_total',
    help: 'Points accepted into the spool, by measurement',
    labelNames: ['measurement'],
    registers: [this.registry],
    collect: () => this.#acceptedByMeasurement.flushInto(this.pointsAccepted, 'measurement'),
  });
  readonly pointsWritten = new Counter({
    name: 'hub_points_written_total',
    help: 'Points written to InfluxDB',
    registers: [this.registry],
  });
  readonly writeErrors = new Counter({
    name: 'hub_write_errors_total',
    help: 'Failed InfluxDB write attempts, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly writeLatency = new Histogram({
    name: 'hub_write_duration_seconds',
    help: 'InfluxDB write request duration',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly spoolPoints = new Gauge({
    name: 'hub_spool_points',
    help: 'Points in the on-disk spool not yet written to InfluxDB',
    registers: [this.registry],
  });
  readonly spoolBytes = new Gauge({
    name: 'hub_spool_bytes',
    help: 'Bytes in the on-disk spool',
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'hub_deadletters_total',
    help: 'Messages or parts of messages that could not be accepted, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly skipped = new Counter({
    name: 'hub_skipped_total',
    help: 'Well-formed input the hub does not store (no fix, unused sentence types), by source and kind',
    labelNames: ['source', 'kind'],
    registers: [this.registry],
  });
  readonly clients = new Gauge({
    name: 'hub_clients_connected',
    help: 'Connected MQTT clients',
    registers: [this.registry],
  });
  readonly denied = new Counter({
    name: 'hub_acl_denied_total',
    help: 'Publishes and subscriptions refused by the ACL, by action',
    labelNames: ['action'],
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'hub_auth_failures_total',
    help: 'Refused MQTT connections, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly refusedQos0 = new Counter({
    name: 'hub_qos0_refused_total',
    help: 'QoS 0 messages refused because the spool was full',
    registers: [this.registry],
  });
  readonly notifierFailures = new Gauge({
    name: 'hub_notifier_failures',
    help: 'Failed notification attempts since start',
    registers: [this.registry],
  });

  /** Modbus devices' state, read from the poller when /metrics is scraped. */
  watchModbus(
    status: () => Array<{ station: string; url: string; up: boolean; polls: number; failures: number }>,
  ): void {
    const labelNames = ['station', 'url'] as const;
    new Gauge({
      name: 'hub_modbus_device_up',
      help: 'Whether the last poll of a Modbus device succeeded (1) or not (0)',
      labelNames,
      registers: [this.registry],
      collect() {
        for (const d of status()) this.set({ station: d.station, url: d.url }, d.up ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hub_modbus_polls',
      help: 'Polls of a Modbus device since start, by outcome',
      labelNames: [...labelNames, 'outcome'],
      registers: [this.registry],
      collect() {
        for (const d of status()) {
          this.set({ station: d.station, url: d.url, outcome: 'ok' }, d.polls - d.failures);
          this.set({ station: d.station, url: d.url, outcome: 'failed' }, d.failures);
        }
      },
    });
  }

  // Raw running totals for the 10 s `hub` point (prom-client counters are async to read).
  totals = { msgsIn: 0, pointsWritten: 0, writeErrors: 0, deadLetters: 0 };
  #writeMs: number[] = [];

  recordWrite(lines: number, ms: number): void {
    this.pointsWritten.inc(lines);
    this.totals.pointsWritten += lines;
    this.writeLatency.observe(ms / 1000);
    if (this.#writeMs.length < 10_000) this.#writeMs.push(ms);
  }

  recordWriteError(kind: string): void {
    this.writeErrors.inc({ kind });
    this.totals.writeErrors++;
  }

  recordDeadLetter(reason: string): void {
    this.deadLetters.inc({ reason });
    this.totals.deadLetters++;
  }

  recordMessage(root: string): void {
    this.#msgsInByRoot.add(root);
    this.totals.msgsIn++;
  }

  /** A point made durable in the spool (per point, on the hot path). */
  recordAccepted(measurement: string): void {
    this.#acceptedByMeasurement.add(measurement);
  }

  /** p99 of the write durations since the last call, in ms (0 when none). */
  takeWriteP99(): number {
    const samples = this.#writeMs;
    this.#writeMs = [];
    if (samples.length === 0) return 0;
    samples.sort((a, b) => a - b);
    return samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))] as number;
  }
}
