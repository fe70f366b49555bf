/**
 * The `hub` command (DESIGN.md "CLI and config"): start, demo, sim, dashboards, bench, devices.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.ts';
import { devicesCommand } from './cli-devices.ts';
import { startHub } from './hub.ts';
import { createLogger } from './log.ts';

const USAGE = `usage: hub <command>
  start [--config hub.yaml]        broker + ingest + alerts + HTTP API
  demo                             the whole system on one machine, with simulators
  sim <fleet|stations|cameras|load|replay> [options]
  dashboards <build|push> [options]
  bench [--json]
  devices <add|rotate|remove|list|import> [options]
  archive verify [--dir DIR | --config hub.yaml]   check the evidence archive's hash chain
  token [--name N] [--scopes read,ack]             a new HTTP API operator token and its config entry`;

async function startCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } });
  const { config, baseDir } = loadConfig(values.config);
  const log = createLogger(config.log);
  const hub = await startHub({
    config,
    baseDir,
    log,
    ...(values.config ? { configFile: values.config } : {}),
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutdown requested');
    hub.stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => {
    hub.alerts.reload().then((result) => log.info({ result }, 'rules reloaded (SIGHUP)'));
  });
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await startCommand(rest);
      case 'devices':
        await devicesCommand(rest);
        return (await import('./cli-audit.ts')).recordDevicesAudit(rest);
      case 'archive': {
        const { archiveCommand } = await import('./cli-archive.ts');
        process.exitCode = await archiveCommand(rest);
        return;
      }
      case 'token':
        return (await import('./cli-token.ts')).tokenCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return;
      default: {
        const extra = await import('./cli-extra.ts');
        return await extra.run(command, rest);
      }
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`hub: ${err.message}`);
      process.exit(2);
    }
    console.error(`hub ${command}: ${(err as Error).message}`);
    process.exit(1);
  }
}
