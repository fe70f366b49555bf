/**
 * A stand-in for Grafana's HTTP API (Grafana itself cannot run here): a real HTTP server on 127.0.0.1:0
 * that records every request and answers the folder and dashboard endpoints as Grafana documents them,
 * including its 412 preconditions (version check on save, same title in the folder) and 404 for a
 * missing folder.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown> | undefined;
}

interface StoredDashboard {
  dashboard: Record<string, unknown>;
  version: number;
  folderUid: string;
}

export interface FakeGrafana {
  url: string;
  token: string;
  requests: RecordedRequest[];
  folders: Map<string, { uid: string; title: string }>;
  dashboards: Map<string, StoredDashboard>;
  /** uid → the 412 status its next saves answer (while `overwrite` is false, or always for plugin dashboards). */
  preconditions: Map<string, 'version-mismatch' | 'name-exists' | 'plugin-dashboard'>;
  /** Someone deletes the folder just before the next dashboard save. */
  deleteFolderBeforeNextSave: string | undefined;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

const reply = (status: number, body: unknown): Reply => ({ status, body });

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}

export async function startFakeGrafana(token = 'glsa_test_token'): Promise<FakeGrafana> {
  let nextId = 1;
  const fake: FakeGrafana = {
    url: '',
    close: async () => {},
    token,
    requests: [],
    folders: new Map(),
    dashboards: new Map(),
    preconditions: new Map(),
    deleteFolderBeforeNextSave: undefined,
  };

  const saveDashboard = (body: Record<string, unknown>): Reply => {
    const dashboard = body.dashboard as Record<string, unknown>;
    const uid = String(dashboard.uid);
    const folderUid = String(body.folderUid ?? '');
    const overwrite = body.overwrite === true;
    if (fake.deleteFolderBeforeNextSave) {
      fake.folders.delete(fake.deleteFolderBeforeNextSave);
      fake.deleteFolderBeforeNextSave = undefined;
    }
    if (folderUid && !fake.folders.has(folderUid)) return reply(404, { message: 'folder not found' });
    const scripted = fake.preconditions.get(uid);
    if (scripted === 'plugin-dashboard' || (scripted && !overwrite)) {
      return reply(412, { status: scripted, message: `precondition failed: ${scripted}` });
    }
    const existing = fake.dashboards.get(uid);
    if (existing && !overwrite && dashboard.version !== existing.version) {
      return reply(412, {
        status: 'version-mismatch',
        message: 'The dashboard has been changed by someone else',
      });
    }
    const sameTitle = [...fake.dashboards.entries()].find(
      ([other, d]) => other !== uid && d.folderUid === folderUid && d.dashboard.title === dashboard.title,
    );
    if (sameTitle && !overwrite) {
      return reply(412, {
        status: 'name-exists',
        message: 'A dashboard with the same name in the folder already exists',
      });
    }
    const version = (existing?.version ?? 0) + 1;
    const stored = { ...dashboard, id: nextId++, version };
    fake.dashboards.set(uid, { dashboard: stored, version, folderUid });
    return reply(200, { id: stored.id, uid, url: `/d/${uid}`, status: 'success', version, slug: uid });
  };

  const route = (method: string, path: string, body: Record<string, unknown> | undefined): Reply => {
    const folderPath = /^\/api\/folders\/([^/]+)$/.exec(path);
    if (method === 'GET' && folderPath) {
      const folder = fake.folders.get(decodeURIComponent(folderPath[1] as string));
      return folder
        ? reply(200, { ...folder, id: 1, url: `/dashboards/f/${folder.uid}` })
        : reply(404, { message: 'folder not found' });
    }
    if (method === 'POST' && path === '/api/folders') {
      const uid = String(body?.uid);
      if (fake.folders.has(uid)) return reply(409, { message: 'a folder with the same uid already exists' });
      fake.folders.set(uid, { uid, title: String(body?.title) });
      return reply(200, { uid, title: body?.title, id: nextId++ });
    }
    const dashboardPath = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(path);
    if (method === 'GET' && dashboardPath) {
      const stored = fake.dashboards.get(decodeURIComponent(dashboardPath[1] as string));
      return stored
        ? reply(200, {
            dashboard: stored.dashboard,
            meta: { folderUid: stored.folderUid, version: stored.version },
          })
        : reply(404, { message: 'Dashboard not found' });
    }
    if (method === 'POST' && path === '/api/dashboards/db' && body) return saveDashboard(body);
    return reply(404, { message: 'Not found' });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const method = req.method ?? '';
      const path = req.url ?? '/';
      const body = await readBody(req);
      fake.requests.push({ method, path, authorization: req.headers.authorization, body });
      const answer =
        req.headers.authorization === `Bearer ${fake.token}`
          ? route(method, path, body)
          : reply(401, { message: 'Unauthorized' });
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}
