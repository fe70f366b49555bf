/** The parts `/health` reports on, each with a reason an operator can act on when it is not ok. */
import type { ModbusPoller } from '../adapters/modbus/poller.ts';
import type { DurableWriter } from '../ingest/durable.ts';
import type { ComponentHealth } from './health.ts';

export function healthComponents(parts: {
  durable: DurableWriter;
  spoolFull(): boolean;
  broker: { clientCount(): number; mqttPort: number };
  influxUrl: string;
  alerts: { health(): ComponentHealth };
  cluster?: { health(): ComponentHealth } | undefined;
  modbus?: ModbusPoller | undefined;
}): Record<string, ComponentHealth> {
  const stats = parts.durable.stats();
  const components: Record<string, ComponentHealth> = {
    broker: { ok: true, clients: parts.broker.clientCount(), mqttPort: parts.broker.mqttPort },
    spool: parts.spoolFull()
      ? { ok: false, reason: 'spool is full: QoS 1 publishes wait, QoS 0 are refused', ...stats }
      : { ok: true, lines: stats.spoolLines, bytes: stats.spoolBytes },
    influxdb: stats.influxUp
      ? { ok: true, url: parts.influxUrl }
      : {
          ok: false,
          reason: `unreachable or failing (${stats.lastError ?? 'no answer yet'}); the spool holds the data`,
          url: parts.influxUrl,
        },
    alerts: parts.alerts.health(),
  };
  if (parts.cluster) components.cluster = parts.cluster.health();
  if (parts.modbus) {
    const devices = parts.modbus.status();
    // A device counts as down once a poll has failed, not while its first poll is under way.
    const down = devices.filter((d) => !d.up && d.polls > 0);
    components.modbus = down.length
      ? { ok: false, reason: `devices down: ${down.map((d) => d.station).join(', ')}`, devices }
      : { ok: true, devices };
  }
  return components;
}
