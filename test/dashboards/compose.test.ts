/**
 * docker-compose.yml cannot be run here (no Docker engine): it is validated against the Compose
 * Specification's JSON schema and checked for what makes the stack work — InfluxDB 2.7 set up with the
 * bucket the datasource reads, one token everywhere, the DBRP init script, Grafana with the generated
 * provisioning mounted where the provider looks and the fleet wall as home, the hub built from the
 * repository with its generated config, the simulators started after the hub is healthy.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../config/load.ts';
import {
  buildProvisioning,
  COMPOSE_PROVISIONING,
  DATASOURCE_FILE,
  dashboardFile,
  PROVIDER_FILE,
} from '../../dashboards/build.ts';
import { COMPOSE_FLEET, composeHubConfig } from '../../dashboards/compose.ts';
import { FLEET_UID } from '../../dashboards/fleet.ts';

const ROOT = join(import.meta.dirname, '../..');
const GENERATED = 'dashboards/generated';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;
const provisioning = buildProvisioning(COMPOSE_PROVISIONING);
const datasource = (
  parse(provisioning[DATASOURCE_FILE] ?? '') as {
    datasources: Array<{
      url: string;
      jsonData: { dbName: string };
      secureJsonData: { httpHeaderValue1: string };
    }>;
  }
).datasources[0];
const provider = (
  parse(provisioning[PROVIDER_FILE] ?? '') as { providers: Array<{ options: { path: string } }> }
).providers[0];

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

/** `host:container[:mode]` volume entries of a service, bind mounts resolved against the repository. */
function mounts(s: Service): Array<{ source: string; target: string }> {
  return (s.volumes ?? []).map((v) => {
    const [source = '', target = ''] = v.split(':');
    return { source, target };
  });
}

function mountOf(s: Service, source: string): string | undefined {
  return mounts(s).find((m) => m.source === source)?.target;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const require = createRequire(import.meta.url);
    const schemaPath = require.resolve('docker-compose/schema/compose-spec.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    // The spec names draft-07 by its https URL, which Ajv knows by http: the vocabulary is the same.
    delete schema.$schema;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('InfluxDB 2.7 set up with org, the bucket Grafana reads, a token, and the DBRP init script', () => {
    const influx = service('influxdb');
    expect(influx.image).toBe('influxdb:2.7');
    const env = influx.environment ?? {};
    expect(env.DOCKER_INFLUXDB_INIT_MODE).toBe('setup');
    expect(env.DOCKER_INFLUXDB_INIT_ORG).toBeTruthy();
    expect(env.DOCKER_INFLUXDB_INIT_USERNAME).toBeTruthy();
    expect(env.DOCKER_INFLUXDB_INIT_PASSWORD).toBeTruthy();
    expect(env.DOCKER_INFLUXDB_INIT_BUCKET).toBe('telemetry');
    expect(env.DOCKER_INFLUXDB_INIT_BUCKET).toBe(datasource?.jsonData.dbName);
    expect(env.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN).toMatch(/^\$\{INFLUX_TOKEN(:-.+)?\}$/);
    expect(influx.healthcheck?.test).toContain('ping');
    const initDir = mounts(influx).find((m) => m.target === '/docker-entrypoint-initdb.d')?.source ?? '';
    const script = join(ROOT, initDir, '10-dbrp.sh');
    accessSync(script, constants.X_OK); // the image runs only executable scripts (run-parts)
    const text = readFileSync(script, 'utf8');
    expect(text).toMatch(/^#!\/bin\/bash\n/);
    expect(text).toContain(
      `influx v1 dbrp create --db "\${db}" --rp autogen --bucket-id "\${DOCKER_INFLUXDB_INIT_BUCKET_ID}" --default`,
    );
    expect(text).toContain(`db="\${DOCKER_INFLUXDB_INIT_BUCKET}"`);
  });

  it('Grafana with the generated provisioning where the provider looks, the fleet wall as home', () => {
    const grafana = service('grafana');
    expect(grafana.image).toMatch(/^grafana\/grafana(-oss)?:\d+\.\d+\.\d+$/);
    expect(mountOf(grafana, `./${GENERATED}/provisioning/datasources`)).toBe(
      '/etc/grafana/provisioning/datasources',
    );
    expect(mountOf(grafana, `./${GENERATED}/provisioning/dashboards`)).toBe(
      '/etc/grafana/provisioning/dashboards',
    );
    expect(mountOf(grafana, `./${GENERATED}/dashboards`)).toBe(provider?.options.path);
    const env = grafana.environment ?? {};
    const home = env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(home).toBe(`${provider?.options.path}/${FLEET_UID}.json`);
    expect(existsSync(join(ROOT, GENERATED, dashboardFile(FLEET_UID)))).toBe(true);
    // The datasource's `Token ${INFLUX_TOKEN}` is expanded by Grafana from its environment.
    expect(datasource?.secureJsonData.httpHeaderValue1).toBe(`Token \${INFLUX_TOKEN}`);
    expect(env.INFLUX_TOKEN).toBe(service('influxdb').environment?.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN);
    expect(new URL(datasource?.url ?? '').host).toBe('influxdb:8086');
    expect(grafana.depends_on?.influxdb?.condition).toBe('service_healthy');
  });

  it('the hub built from the repository, with its generated config, writing to the same InfluxDB', () => {
    const hub = service('hub');
    expect(hub.build).toBe('.');
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "bin/hub.js"]');
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8')).toMatch(/^node_modules$/m);
    const env = hub.environment ?? {};
    expect(env.HUB_INFLUX_URL).toBe(datasource?.url);
    expect(env.HUB_INFLUX_DATABASE).toBe(datasource?.jsonData.dbName);
    expect(env.HUB_INFLUX_TOKEN).toBe(service('influxdb').environment?.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN);
    const configPath = hub.command?.[hub.command.indexOf('--config') + 1];
    expect(mountOf(hub, `./${GENERATED}/compose/hub.yaml`)).toBe(configPath);
    expect(hub.depends_on?.influxdb?.condition).toBe('service_healthy');
    const config = parseConfig(parse(composeHubConfig()), {});
    expect(config.broker.allowAnonymous).toBe(true);
    const ids = new Set(config.devices.entries.map((d) => d.id));
    expect(config.devices.entries.filter((d) => d.kind === 'vessel')).toHaveLength(COMPOSE_FLEET.vessels);
    for (const id of ['dong-ba-air', 'huong-truong-tien', 'phu-xuan-bridge', 'frigate-nvr'])
      expect(ids).toContain(id);
  });

  it('simulators publish to the hub once it is healthy, the fleet matching the registry', () => {
    const sims = Object.entries(services).filter(([, s]) => s.command?.[0] === 'sim');
    expect(sims.map(([, s]) => s.command?.[1]).sort()).toEqual(['cameras', 'fleet', 'stations']);
    for (const [name, s] of sims) {
      expect(s.depends_on?.hub?.condition, name).toBe('service_healthy');
      expect(s.command, name).toContain('mqtt://hub:1883');
      expect(s.image).toBe(service('hub').image);
    }
    const fleet = sims.find(([, s]) => s.command?.[1] === 'fleet')?.[1].command ?? [];
    const flag = (f: string) => Number(fleet[fleet.indexOf(f) + 1]);
    expect(flag('--vessels')).toBe(COMPOSE_FLEET.vessels);
    expect(flag('--seed')).toBe(COMPOSE_FLEET.seed);
    expect(flag('--silent')).toBe(COMPOSE_FLEET.silent);
    expect(flag('--drift')).toBe(COMPOSE_FLEET.drift);
    expect(flag('--midshore-violation')).toBe(COMPOSE_FLEET.midshoreViolation);
    // The image's working directory is the repository: the boundary file ships in it.
    expect(existsSync(join(ROOT, fleet[fleet.indexOf('--boundary') + 1] ?? ''))).toBe(true);
  });

  it('dependencies wait for healthchecks that exist; named volumes are declared', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(services[dep]?.healthcheck, `${dep} has no healthcheck`).toBeDefined();
      }
      for (const { source } of mounts(s)) {
        // `${HUB_DEMO_DIR:-...}` mounts are folders `hub demo` writes at run time.
        if (source.startsWith('${')) continue;
        if (source.startsWith('.')) expect(existsSync(join(ROOT, source)), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes ?? {}, `${name}: volume ${source}`).toHaveProperty(source);
      }
    }
  });
});
