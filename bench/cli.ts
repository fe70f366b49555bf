/**
 * `hub bench` (also `npm run bench`): the whole path measured side by side with bare aedes and
 * Mosquitto. Prints the report as Markdown tables, or as one JSON object with `--json`; progress goes to
 * stderr. README.md in this folder explains what each figure means and how it is measured.
 */
import { BENCH_USAGE, BenchUsageError, parsePlan } from './plan.ts';
import { formatReport } from './report.ts';
import { runBench } from './run.ts';

export async function run(argv: string[]): Promise<void> {
  let plan: ReturnType<typeof parsePlan>;
  try {
    plan = parsePlan(argv);
  } catch (err) {
    if (err instanceof BenchUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      throw new Error(`${(err as Error).message}\n${BENCH_USAGE}`);
    throw err;
  }
  if (plan === 'help') {
    console.log(BENCH_USAGE);
    return;
  }
  // Ctrl-C: exit at once; the exit hooks kill every child process and remove the temporary folder.
  const onSignal = () => process.exit(130);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const command = `hub bench ${argv.join(' ')}`.trim();
    const report = await runBench(plan, command, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(plan.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    if (report.errors.length > 0) process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
