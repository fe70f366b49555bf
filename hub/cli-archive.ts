/**
 * `hub archive verify [--dir DIR | --config hub.yaml] [--json]`: checks the evidence archive's hash chain
 * (ingest/archive-verify.ts). Exit status 0 when intact, 1 when a record was edited, removed or cut off.
 */
import { parseArgs } from 'node:util';
import { loadConfig, resolveFrom } from '../config/load.ts';
import { type VerifyReport, verifyArchive } from '../ingest/archive-verify.ts';

const USAGE = `usage: hub archive verify [--dir DIR | --config hub.yaml] [--json]
  checks every record's hash, the sequence and the chain of the evidence archive (ingest.archive.dir)`;

export function formatReport(report: VerifyReport): string[] {
  const out: string[] = [];
  const range = report.firstSeq === null ? 'no records' : `records ${report.firstSeq}..${report.lastSeq}`;
  out.push(
    `${report.ok ? 'archive intact' : 'ARCHIVE DAMAGED'}: ${report.records} records in ${report.files} files (${range}) in ${report.dir}`,
  );
  if (report.lastHash) out.push(`last record hash: ${report.lastHash}`);
  for (const p of report.problems) {
    const where = [
      p.file,
      p.line !== undefined ? `line ${p.line}` : '',
      p.seq !== undefined ? `seq ${p.seq}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    out.push(`  ${p.kind}: ${where}: ${p.detail}`);
  }
  if (report.moreProblems > 0) out.push(`  ... and ${report.moreProblems} more problems`);
  for (const w of report.warnings) out.push(`  warning: ${w}`);
  return out;
}

export async function archiveCommand(
  argv: string[],
  out: (line: string) => void = console.log,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dir: { type: 'string' }, config: { type: 'string', short: 'c' }, json: { type: 'boolean' } },
  });
  if (positionals[0] !== 'verify') throw new Error(USAGE);
  let dir = values.dir;
  if (!dir) {
    const { config, baseDir } = loadConfig(values.config);
    dir = resolveFrom(baseDir, config.ingest.archive.dir);
  }
  const report = await verifyArchive(dir);
  if (values.json) out(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report)) out(line);
  return report.ok ? 0 : 1;
}
