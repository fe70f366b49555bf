/**
 * The process the crash test kills with SIGKILL: appends `m,k=a v=<i>i <i>` lines through a
 * DurableWriter as fast as it can (a few appends in flight, like a busy broker) and prints
 * `acked <i>` each time line i is fsync'd. Args: spoolDir influxUrl database recordFile.
 */
import { InfluxConfigSchema, SpoolConfigSchema } from '../../config/schema.ts';
import { DurableWriter } from '../../ingest/durable.ts';
import { silent } from './durable-helpers.ts';

const [dir, url, database, recordFile] = process.argv.slice(2) as [string, string, string, string];
const writer = await DurableWriter.open({
  spool: SpoolConfigSchema.parse({ dir, segmentBytes: 256 * 1024 }),
  influx: { ...InfluxConfigSchema.parse({ database, retryMinMs: 20, retryMaxMs: 200 }), url },
  log: silent,
  hooks: { written: () => {}, writeError: () => {}, rejected: () => {}, influxUp: () => {} },
  recordFile,
});

const PER_APPEND = 10;
let next = 0;
function appendOne(): void {
  const lines: string[] = [];
  for (let j = 0; j < PER_APPEND; j++, next++) lines.push(`m,k=a v=${next}i ${next}`);
  const last = next - 1;
  writer.append(lines, (err) => {
    if (err) throw err;
    process.stdout.write(`acked ${last}\n`);
    appendOne();
  });
}
for (let i = 0; i < 20; i++) appendOne();
