/**
 * The broker's own counters (limits and protocol errors), registered in the hub's metrics registry next
 * to hub/metrics.ts's counters.
 */
import { Counter, type Registry } from 'prom-client';

export class BrokerMetrics {
  readonly rateLimited: Counter<'recorded'>;
  readonly connectionsRefused: Counter<'reason'>;
  readonly subscriptionsRefused: Counter;
  readonly protocolErrors: Counter<'kind'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.rateLimited = new Counter({
      name: 'hub_rate_limited_total',
      help: 'Publishes over broker.maxPublishPerSecond (acknowledged, dropped); recorded = dead-lettered',
      labelNames: ['recorded'],
      registers,
    });
    this.connectionsRefused = new Counter({
      name: 'hub_connections_refused_total',
      help: 'Sockets closed before MQTT was spoken, by reason (max_connections)',
      labelNames: ['reason'],
      registers,
    });
    this.subscriptionsRefused = new Counter({
      name: 'hub_subscriptions_refused_total',
      help: 'Subscriptions refused because the client holds broker.maxSubscriptionsPerClient',
      registers,
    });
    this.protocolErrors = new Counter({
      name: 'hub_mqtt_errors_total',
      help: 'Connections closed by the broker, by kind (malformed_packet, connect_timeout, drain_timeout, ...)',
      labelNames: ['kind'],
      registers,
    });
  }
}

/** A bounded set of kinds for an aedes connection error (its messages come from aedes and mqtt-packet). */
export function errorKind(err: Error | undefined): string {
  const message = err?.message ?? '';
  if (message.includes('connect did not arrive in time')) return 'connect_timeout';
  if (message.includes('drain timeout')) return 'drain_timeout';
  if (message.includes('keep alive timeout')) return 'keepalive_timeout';
  if (message.includes('queue limit')) return 'queue_limit';
  if (/ECONNRESET|EPIPE|connection closed|socket hang up/i.test(message)) return 'connection_reset';
  if (/topic|PUBLISH/.test(message)) return 'bad_topic';
  return 'malformed_packet';
}
