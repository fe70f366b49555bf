/**
 * mqtt.js connections for the device simulators (the load generator speaks raw MQTT instead). A device
 * that cannot connect at start is an error the caller sees; once connected, mqtt.js reconnects on its own
 * (a hub restart in the middle of a demo) and queues what is published meanwhile.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** Loopback by default: a simulator never reaches beyond this machine unless told to. */
export const DEFAULT_MQTT_URL = 'mqtt://127.0.0.1:1883';

export interface MqttTarget {
  url?: string;
  clientId: string;
  username?: string;
  password?: string;
  /** Last will, e.g. Frigate's retained `frigate/available` = `offline`. */
  will?: { topic: string; payload: string; qos?: 0 | 1; retain?: boolean };
  connectTimeoutMs?: number;
}

export class SimulatorConnectError extends Error {
  readonly code = 'HUB_ERR_SIM_CONNECT';
}

export async function connectDevice(target: MqttTarget): Promise<MqttClient> {
  const timeoutMs = target.connectTimeoutMs ?? 10_000;
  const options: IClientOptions = {
    clientId: target.clientId,
    protocolVersion: 4,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 1000,
    connectTimeout: timeoutMs,
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    ...(target.will
      ? {
          will: {
            topic: target.will.topic,
            payload: Buffer.from(target.will.payload),
            qos: target.will.qos ?? 0,
            retain: target.will.retain ?? false,
          },
        }
      : {}),
  };
  const client = mqtt.connect(target.url ?? DEFAULT_MQTT_URL, options);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no CONNACK within ${timeoutMs} ms`)), timeoutMs + 1000);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        client.off('connect', ok);
        reject(
          new SimulatorConnectError(
            `${target.clientId} could not connect to ${target.url ?? DEFAULT_MQTT_URL}: ${err.message}`,
            { cause: err },
          ),
        );
      };
      const ok = (): void => {
        clearTimeout(timer);
        client.off('error', fail);
        resolve();
      };
      client.once('connect', ok);
      client.once('error', fail);
    });
  } catch (err) {
    await client.endAsync(true);
    throw err;
  }
  // After the first CONNACK: errors (a refused reconnect, a broken socket) are left to mqtt.js's retries;
  // a listener keeps them from being unhandled 'error' events.
  client.on('error', () => {});
  return client;
}

/** Connects many devices with bounded concurrency (hundreds of vessels must not stampede the broker). */
export async function connectAll(targets: readonly MqttTarget[], concurrency = 32): Promise<MqttClient[]> {
  const clients: MqttClient[] = new Array(targets.length);
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < targets.length) {
      const i = next++;
      try {
        clients[i] = await connectDevice(targets[i]!);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  if (failure !== undefined) {
    await endAll(clients.filter((c) => c !== undefined));
    throw failure;
  }
  return clients;
}

/** Ends every client, flushing what is in flight (not forced), and waits for all of them. */
export async function endAll(clients: readonly MqttClient[]): Promise<void> {
  await Promise.all(
    clients.map((c) =>
      Promise.race([
        c.endAsync(false),
        new Promise<void>((resolve) => setTimeout(resolve, 2000).unref()),
      ]).then(() => (c.connected ? c.endAsync(true) : undefined)),
    ),
  );
}
