/**
 * `hub dashboards push` against a local server answering like Grafana's HTTP API: every request's uid,
 * folderUid and overwrite flag, and the documented answers handled: 412 (version-mismatch, plugin-dashboard)
 * and 404 for a missing folder.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDashboards, generatedFiles } from '../../dashboards/build.ts';
import { run } from '../../dashboards/cli.ts';
import { type PushOptions, pushDashboards } from '../../dashboards/push.ts';
import { type FakeGrafana, type RecordedRequest, startFakeGrafana } from './fake-grafana.ts';

const dashboards = buildDashboards();
const uids = dashboards.map((d) => d.uid);
let grafana: FakeGrafana;

beforeEach(async () => {
  grafana = await startFakeGrafana();
});
afterEach(async () => {
  await grafana.close();
});

function options(extra: Partial<PushOptions> = {}): PushOptions {
  return {
    grafanaUrl: grafana.url,
    token: grafana.token,
    folderUid: 'hue',
    folderTitle: 'Trung tâm giám sát Huế',
    dashboards,
    ...extra,
  };
}

function saves(uid?: string): RecordedRequest[] {
  return grafana.requests.filter(
    (r) =>
      r.method === 'POST' &&
      r.path === '/api/dashboards/db' &&
      (uid === undefined || (r.body?.dashboard as { uid?: string } | undefined)?.uid === uid),
  );
}

function editInGrafana(uid: string): void {
  const stored = grafana.dashboards.get(uid);
  if (!stored) throw new Error(`${uid} not stored`);
  stored.version += 1;
  stored.dashboard = { ...stored.dashboard, title: 'edited in the UI', version: stored.version };
}

describe('pushDashboards', () => {
  it('creates the missing folder, then every dashboard in it, by uid, without overwrite', async () => {
    const report = await pushDashboards(options());
    expect(report.folder).toBe('created');
    expect(report.results.map((r) => [r.uid, r.status, r.version])).toEqual(
      uids.map((u) => [u, 'created', 1]),
    );
    const [getFolder, makeFolder] = grafana.requests;
    expect([getFolder?.method, getFolder?.path]).toEqual(['GET', '/api/folders/hue']);
    expect([makeFolder?.method, makeFolder?.path, makeFolder?.body]).toEqual([
      'POST',
      '/api/folders',
      { uid: 'hue', title: 'Trung tâm giám sát Huế' },
    ]);
    const posted = saves();
    expect(posted.map((r) => (r.body?.dashboard as { uid?: string } | undefined)?.uid)).toEqual(uids);
    for (const r of posted) {
      expect(r.body?.folderUid).toBe('hue');
      expect(r.body?.overwrite).toBe(false);
      expect((r.body?.dashboard as { id?: unknown } | undefined)?.id).toBeNull();
    }
    for (const r of grafana.requests) expect(r.authorization).toBe(`Bearer ${grafana.token}`);
  });

  it('pushing the same dashboards again changes nothing', async () => {
    await pushDashboards(options());
    grafana.requests.length = 0;
    const report = await pushDashboards(options());
    expect(report.folder).toBe('existing');
    expect(report.results.map((r) => r.status)).toEqual(uids.map(() => 'unchanged'));
    expect(saves()).toHaveLength(0);
  });

  it('updates a dashboard edited in Grafana, sending the stored version', async () => {
    await pushDashboards(options());
    const uid = uids[1] as string;
    editInGrafana(uid);
    grafana.requests.length = 0;
    const report = await pushDashboards(options());
    expect(report.results.find((r) => r.uid === uid)).toMatchObject({ status: 'updated', version: 3 });
    const [save] = saves(uid);
    expect(save?.body).toMatchObject({ folderUid: 'hue', overwrite: false, dashboard: { uid, version: 2 } });
    expect(saves()).toHaveLength(1);
  });

  it('412 version-mismatch: reported as a conflict without --force, overwritten with it', async () => {
    await pushDashboards(options());
    const uid = uids[0] as string;
    editInGrafana(uid);
    grafana.preconditions.set(uid, 'version-mismatch');
    grafana.requests.length = 0;
    const refused = await pushDashboards(options());
    expect(refused.results.find((r) => r.uid === uid)).toMatchObject({ status: 'conflict' });
    expect(refused.results.find((r) => r.uid === uid)?.detail).toMatch(/^version-mismatch: .*--force/);
    expect(saves(uid).map((r) => r.body?.overwrite)).toEqual([false]);
    expect(grafana.dashboards.get(uid)?.dashboard.title).toBe('edited in the UI');

    grafana.requests.length = 0;
    const forced = await pushDashboards(options({ force: true }));
    expect(forced.results.find((r) => r.uid === uid)).toMatchObject({ status: 'updated', version: 3 });
    expect(saves(uid).map((r) => [r.body?.overwrite, r.body?.folderUid])).toEqual([
      [false, 'hue'],
      [true, 'hue'],
    ]);
    expect(grafana.dashboards.get(uid)?.dashboard.title).toBe(dashboards[0]?.title);
  });

  it('412 plugin-dashboard stays a conflict even with --force', async () => {
    const uid = uids[2] as string;
    grafana.preconditions.set(uid, 'plugin-dashboard');
    const report = await pushDashboards(options({ force: true }));
    expect(report.results.find((r) => r.uid === uid)).toMatchObject({ status: 'conflict' });
    expect(saves(uid).map((r) => r.body?.overwrite)).toEqual([false]);
  });

  it('404 on save (folder deleted meanwhile): creates the folder again and repeats the save', async () => {
    grafana.folders.set('hue', { uid: 'hue', title: 'Trung tâm giám sát Huế' });
    grafana.deleteFolderBeforeNextSave = 'hue';
    const report = await pushDashboards(options({ dashboards: dashboards.slice(0, 1) }));
    expect(report.folder).toBe('existing');
    expect(report.results).toMatchObject([{ uid: uids[0], status: 'created', version: 1 }]);
    expect(grafana.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/folders/hue',
      `GET /api/dashboards/uid/${uids[0]}`,
      'POST /api/dashboards/db',
      'GET /api/folders/hue',
      'POST /api/folders',
      'POST /api/dashboards/db',
    ]);
    expect(grafana.folders.has('hue')).toBe(true);
  });

  it("a refused token stops the push with Grafana's reason", async () => {
    await expect(pushDashboards(options({ token: 'wrong' }))).rejects.toMatchObject({
      code: 'HUB_ERR_DASHBOARD_PUSH',
      message: expect.stringMatching(/refused the token \(HTTP 401\): Unauthorized/),
    });
  });
});

describe('hub dashboards (CLI)', () => {
  it('push prints what changed and fails on a conflict', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), env: {} };
    await run(['push', '--grafana-url', grafana.url, '--token', grafana.token], io);
    expect(out.join('')).toMatch(
      /^folder hue: created\ncreated {3}hue-fleet {2}Đội tàu cá \/ VMS \(version 1\)/,
    );
    editInGrafana('hue-fleet');
    grafana.preconditions.set('hue-fleet', 'version-mismatch');
    await expect(
      run(['push', '--grafana-url', grafana.url, '--folder-uid', 'hue'], {
        ...io,
        env: { GRAFANA_TOKEN: grafana.token },
      }),
    ).rejects.toMatchObject({
      code: 'HUB_ERR_DASHBOARD_CONFLICT',
      message: expect.stringContaining('hue-fleet (conflict)'),
    });
  });

  it('build writes exactly the generated files; bad usage is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboards-build-'));
    try {
      await run(['build', '--out', dir], { out: () => {}, env: {} });
      for (const [path, content] of Object.entries(generatedFiles()))
        expect(readFileSync(join(dir, path), 'utf8')).toBe(content);
      await run(
        [
          'build',
          '--out',
          dir,
          '--influx-url',
          'http://10.0.0.5:8086',
          '--user',
          'grafana',
          '--password',
          'pw',
        ],
        {
          out: () => {},
          env: {},
        },
      );
      const ds = readFileSync(join(dir, 'provisioning/datasources/hue-influxdb.yaml'), 'utf8');
      expect(ds).toContain('url: http://10.0.0.5:8086');
      expect(ds).toContain('user: grafana');
      expect(ds).toContain('password: pw');
      expect(ds).not.toContain('Authorization');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(run(['build'], { out: () => {}, env: {} })).rejects.toMatchObject({
      code: 'HUB_ERR_DASHBOARD_USAGE',
    });
    await expect(
      run(['push', '--grafana-url', grafana.url], { out: () => {}, env: {} }),
    ).rejects.toMatchObject({
      code: 'HUB_ERR_DASHBOARD_USAGE',
    });
  });
});
