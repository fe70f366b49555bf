/** Commands of the later issues (sim, demo, dashboards, bench), loaded only when asked for. */
import { createLogger } from './log.ts';

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
    default:
      throw new Error(`unknown command "${command}" (try: hub help)`);
  }
}
