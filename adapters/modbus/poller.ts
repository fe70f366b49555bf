/**
 * The Modbus poller (service adapter `modbus`): polls the configured stations and emits one
 * `environment` point per device and poll. Each TCP device has a connection of its own, so a dead one
 * never delays the others; RTU devices on one serial path share it and are polled in turn.
 */
import type { Logger } from 'pino';
import type { Point } from '../../ingest/point.ts';
import type { Registry } from '../../ingest/registry.ts';
import { SeriesClock } from '../../ingest/time.ts';
import type { ServiceAdapter } from '../types.ts';
import type { ModbusConfig, ModbusDevice } from './config.ts';
import { DevicePoller, type ModbusDeviceStatus } from './device.ts';
import { ModbusConfigError } from './errors.ts';
import { ModbusLink } from './link.ts';
import { parseModbusUrl } from './url.ts';

export const id = 'modbus';

export interface ModbusPollerContext {
  log: Logger;
  registry: Registry;
  emit(points: Point[]): void;
  /** Current time in ms (injected so tests control it): the time of each point. */
  now(): number;
  /** Aborting it stops the poller. */
  signal?: AbortSignal;
  /**
   * The hub's clock for unique receipt times (a station may also post JSON readings: one series, one
   * clock); a poller of its own when not given.
   */
  seriesClock?: SeriesClock;
}

export type { ModbusDeviceStatus } from './device.ts';

export interface ModbusPoller extends ServiceAdapter {
  /** One entry per configured device, in config order (for /health, /metrics and the "device down" alert). */
  status(): ModbusDeviceStatus[];
}

/** The device's medium: its own `medium`, else the registry's; a device with neither cannot start. */
function mediumOf(device: ModbusDevice, registry: Registry, index: number): 'air' | 'water' {
  const medium = device.medium ?? registry.stationMedium(device.station);
  if (medium === undefined) {
    throw new ModbusConfigError(
      `modbus.devices.${index}: station ${device.station} has no medium: set medium (air/water) on the device or in the registry`,
    );
  }
  return medium;
}

/** One link per TCP device; one per serial path, shared by the RTU devices on it. */
function linkFor(device: ModbusDevice, serialLines: Map<string, ModbusLink>): ModbusLink {
  const endpoint = parseModbusUrl(device.url);
  if (endpoint.kind === 'tcp') return new ModbusLink(endpoint);
  let line = serialLines.get(endpoint.path);
  if (!line) {
    line = new ModbusLink(endpoint);
    serialLines.set(endpoint.path, line);
  }
  return line;
}

export function createModbusPoller(config: ModbusConfig, ctx: ModbusPollerContext): ModbusPoller {
  const log = ctx.log;
  let devices: DevicePoller[] = [];
  let links: ModbusLink[] = [];
  let started = false;
  let stopping: Promise<void> | undefined;
  const onAbort = () => void stop();

  async function stop(): Promise<void> {
    stopping ??= (async () => {
      ctx.signal?.removeEventListener('abort', onAbort);
      const draining = devices.map((device) => device.stop());
      // Closing the links fails any request in flight, so the polls above settle promptly.
      await Promise.all(links.map((link) => link.shutdown()));
      await Promise.all(draining);
      if (started) log.info({ devices: devices.length }, 'modbus poller stopped');
    })();
    return stopping;
  }

  return {
    id,
    async start() {
      if (started || stopping) return;
      // Resolve every medium first: a bad device stops the start before anything is polled.
      const media = config.devices.map((device, i) => mediumOf(device, ctx.registry, i));
      const serialLines = new Map<string, ModbusLink>();
      const seriesClock = ctx.seriesClock ?? new SeriesClock(Math.max(1000, config.devices.length * 2));
      const usedLinks = new Set<ModbusLink>();
      devices = config.devices.map((device, i) => {
        const link = linkFor(device, serialLines);
        usedLinks.add(link);
        const deviceLog = log.child({ station: device.station, url: link.label, unitId: device.unitId });
        return new DevicePoller(device, media[i]!, link, {
          log: deviceLog,
          emit: ctx.emit,
          now: ctx.now,
          seriesClock,
        });
      });
      links = [...usedLinks];
      started = true;
      if (ctx.signal?.aborted) {
        await stop();
        return;
      }
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      for (const device of devices) device.start();
      log.info({ devices: devices.length, serialLines: serialLines.size }, 'modbus poller started');
    },
    stop,
    status() {
      return devices.map((device) => device.status());
    },
  };
}
