/**
 * The Modbus poller as a start/stop duty: on a hub of its own it runs from the start; in a cluster the
 * leader runs it (one poller for the cluster, not one per hub).
 */
import type { Logger } from 'pino';
import type { ModbusConfig } from '../adapters/modbus/config.ts';
import { createModbusPoller, type ModbusPoller } from '../adapters/modbus/poller.ts';
import type { LeaderDuty } from '../cluster/leadership.ts';
import type { Point } from '../ingest/point.ts';
import type { Registry } from '../ingest/registry.ts';
import type { SeriesClock } from '../ingest/time.ts';

export interface ModbusDuty extends LeaderDuty {
  /** The running poller, if this hub runs it now. */
  poller(): ModbusPoller | undefined;
}

export function modbusDuty(deps: {
  config: ModbusConfig;
  registry: Registry;
  log: Logger;
  now: () => number;
  seriesClock: SeriesClock;
  emit(points: Point[]): void;
}): ModbusDuty {
  let poller: ModbusPoller | undefined;
  return {
    name: 'modbus',
    poller: () => poller,
    start: async () => {
      if (poller || deps.config.devices.length === 0) return;
      const started = createModbusPoller(deps.config, {
        log: deps.log,
        registry: deps.registry,
        now: deps.now,
        seriesClock: deps.seriesClock,
        emit: deps.emit,
      });
      await started.start();
      poller = started;
    },
    stop: async () => {
      const running = poller;
      poller = undefined;
      await running?.stop();
    },
  };
}
