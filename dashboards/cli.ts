/**
 * `hub dashboards build|push` (DESIGN.md "CLI and config"):
 *   hub dashboards build --out DIR [--influx-url URL --database DB [--token T | --token-env NAME]
 *                        [--user U --password P]] [--dashboards-path PATH] [--folder-uid UID]
 *   hub dashboards push --grafana-url URL --token T [--folder-uid UID] [--folder-title TITLE] [--force]
 * Without `--influx-url`, `build` writes the files of the docker-compose stack (the committed ones).
 */
import { parseArgs } from 'node:util';
import {
  buildDashboards,
  COMPOSE_PROVISIONING,
  DEFAULT_FOLDER_TITLE,
  DEFAULT_FOLDER_UID,
  type ProvisioningOptions,
  writeDashboards,
} from './build.ts';
import { DashboardError, usageError } from './errors.ts';
import { formatReport, pushDashboards } from './push.ts';

export const DASHBOARDS_USAGE = `usage: hub dashboards <build|push> [options]
  build --out DIR                   dashboard JSON, provisioning YAML, QUERIES.md, compose/hub.yaml
        [--influx-url URL]          InfluxDB as Grafana reaches it (default: the compose stack's)
        [--database DB]             database / 2.x bucket (default telemetry)
        [--token T | --token-env NAME]  2.x/3.x token, or the env variable Grafana reads it from
        [--user U --password P]     1.x basic authentication
        [--dashboards-path PATH]    where Grafana reads the JSON files (default ${COMPOSE_PROVISIONING.dashboardsPath})
        [--folder-uid UID] [--folder-title TITLE]
  push --grafana-url URL --token T  create or update the dashboards by uid (token: GRAFANA_TOKEN too)
        [--folder-uid UID]          folder (default ${DEFAULT_FOLDER_UID}; created when missing)
        [--folder-title TITLE]      its title when created (default "${DEFAULT_FOLDER_TITLE}")
        [--force]                   overwrite dashboards changed in Grafana since the last push`;

export interface CliIo {
  out(text: string): void;
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

const defaultIo: CliIo = { out: (text) => process.stdout.write(text), env: process.env };

function buildCommand(argv: string[], io: CliIo): void {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      'influx-url': { type: 'string' },
      database: { type: 'string' },
      token: { type: 'string' },
      'token-env': { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      'dashboards-path': { type: 'string' },
      'folder-uid': { type: 'string' },
      'folder-title': { type: 'string' },
    },
  });
  if (!v.out) throw usageError(`build needs --out DIR\n${DASHBOARDS_USAGE}`);
  if (v.token !== undefined && v['token-env'] !== undefined)
    throw usageError('give --token or --token-env, not both');
  const custom = v['influx-url'] !== undefined;
  const opts: ProvisioningOptions = custom
    ? {
        influxUrl: v['influx-url'] as string,
        database: 'telemetry',
        dashboardsPath: COMPOSE_PROVISIONING.dashboardsPath,
      }
    : { ...COMPOSE_PROVISIONING };
  if (v.database !== undefined) opts.database = v.database;
  if (v.token !== undefined || v['token-env'] !== undefined) delete opts.tokenEnv;
  if (v.token !== undefined) opts.token = v.token;
  if (v['token-env'] !== undefined) opts.tokenEnv = v['token-env'];
  if (v.user !== undefined) opts.user = v.user;
  if (v.password !== undefined) opts.password = v.password;
  if (v['dashboards-path'] !== undefined) opts.dashboardsPath = v['dashboards-path'];
  if (v['folder-uid'] !== undefined) opts.folderUid = v['folder-uid'];
  if (v['folder-title'] !== undefined) opts.folderTitle = v['folder-title'];
  const files = writeDashboards(v.out, opts);
  io.out(`wrote ${files.length} files to ${v.out}:\n${files.map((f) => `  ${f}\n`).join('')}`);
}

async function pushCommand(argv: string[], io: CliIo): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'grafana-url': { type: 'string' },
      token: { type: 'string' },
      'folder-uid': { type: 'string' },
      'folder-title': { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const grafanaUrl = v['grafana-url'];
  const token = v.token ?? io.env.GRAFANA_TOKEN;
  if (!grafanaUrl || !token)
    throw usageError(`push needs --grafana-url and --token (or GRAFANA_TOKEN)\n${DASHBOARDS_USAGE}`);
  const folderUid = v['folder-uid'] ?? DEFAULT_FOLDER_UID;
  const report = await pushDashboards({
    grafanaUrl,
    token,
    folderUid,
    folderTitle: v['folder-title'] ?? DEFAULT_FOLDER_TITLE,
    force: v.force,
    dashboards: buildDashboards(),
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  io.out(formatReport(report, { grafanaUrl, folderUid }));
  const bad = report.results.filter((r) => r.status === 'conflict' || r.status === 'failed');
  if (bad.length > 0) {
    throw new DashboardError(
      'HUB_ERR_DASHBOARD_CONFLICT',
      `${bad.length} dashboard(s) not pushed: ${bad.map((r) => `${r.uid} (${r.status})`).join(', ')}`,
    );
  }
}

/** Entry point of `hub dashboards ...` (argv after `dashboards`). */
export async function run(argv: string[], io: CliIo = defaultIo): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'build':
      return buildCommand(rest, io);
    case 'push':
      return pushCommand(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(`${DASHBOARDS_USAGE}\n`);
      return;
    default:
      throw usageError(`unknown dashboards command "${command}"\n${DASHBOARDS_USAGE}`);
  }
}
