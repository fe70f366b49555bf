/**
 * InfluxQL reads for the hub's own needs (alert seeding, dashboards checks): one GET `/query` through
 * the same v1 API and credentials the writer uses; rows carry the series' tags beside the columns.
 */
import { type Row, rowsFromQueryResponse } from '../alerts/seed.ts';
import { InfluxHttp, isSuccess } from './influx-http.ts';
import type { InfluxTarget } from './influx-writer.ts';

export type { Row };

export function influxQuery(target: InfluxTarget): {
  query(influxql: string): Promise<Row[]>;
  close(): void;
} {
  const http = new InfluxHttp(target.url, target, target.timeoutMs, 2);
  return {
    async query(influxql) {
      const params = new URLSearchParams({ db: target.database, q: influxql, epoch: 'ms' });
      if (target.retentionPolicy) params.set('rp', target.retentionPolicy);
      const r = await http.send('GET', `query?${params}`);
      if (!isSuccess(r))
        throw new Error(`InfluxDB query: ${r.status ? `HTTP ${r.status} ${r.body}` : r.body}`);
      const json: unknown = JSON.parse(r.body);
      // A database that does not exist yet holds no rows (a first start).
      const error = (json as { results?: Array<{ error?: string }> }).results?.[0]?.error;
      if (error && /database not found/.test(error)) return [];
      return rowsFromQueryResponse(json);
    },
    close: () => http.close(),
  };
}
