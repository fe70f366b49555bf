/** Commands of the later issues (sim, demo, dashboards, bench), loaded only when asked for. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { createLogger } from './log.ts';

const DEMO_USAGE = `usage: hub demo [--speedup K] [--vessels N] [--seed S] [--data-dir DIR] [--duration 10m] [--config hub.yaml]
  --speedup   the simulated world runs K times faster, alert durations are divided by K (default 60)
  --config    a hub.yaml whose influx, broker and http sections are used (e.g. influx.url of a real server)`;

async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      speedup: { type: 'string' },
      vessels: { type: 'string' },
      seed: { type: 'string' },
      'data-dir': { type: 'string' },
      duration: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(DEMO_USAGE);
    return;
  }
  const { startDemo } = await import('./demo.ts');
  const { parseDurationMs } = await import('../simulators/common/cli.ts');
  const base = values.config ? loadConfig(values.config).config : undefined;
  const log = createLogger({ level: base?.log.level ?? 'info', pretty: base?.log.pretty });
  const number = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: a positive number, got ${v}`);
    return n;
  };
  const controller = new AbortController();
  const demo = await startDemo({
    log,
    ...(values.speedup ? { speedup: number(values.speedup, 'speedup') } : {}),
    ...(values.vessels ? { vessels: number(values.vessels, 'vessels') } : {}),
    ...(values.seed ? { seed: values.seed } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(base ? { overrides: { influx: base.influx, broker: base.broker, http: base.http } } : {}),
    signal: controller.signal,
  });
  process.stdout.write(demo.banner());
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (values.duration) setTimeout(stop, parseDurationMs(values.duration, 'duration')).unref();
  await new Promise<void>((resolve) =>
    controller.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await demo.stop();
}

export async function run(command: string, argv: string[]): Promise<void> {
  switch (command) {
    case 'sim': {
      const [kind, ...rest] = argv;
      const { runSimulator } = await import('../simulators/index.ts');
      const log = createLogger({ level: process.env.HUB_LOG_LEVEL ?? 'info' });
      if (!kind)
        throw new Error('usage: hub sim <fleet|stations|cameras|load|replay> [options] (--help for each)');
      return runSimulator(kind, rest, { log });
    }
    case 'demo':
      return demoCommand(argv);
    case 'dashboards': {
      const { run: dashboards } = await import('../dashboards/cli.ts');
      return dashboards(argv);
    }
    case 'bench': {
      const { run: bench } = await import('../bench/cli.ts');
      return bench(argv);
    }
    default:
      throw new Error(`unknown command "${command}" (try: hub help)`);
  }
}
