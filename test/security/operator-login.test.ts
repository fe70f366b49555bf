/** With operator tokens configured, a browser signs in once and the page and its Ack form work. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../hub/http-auth.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

describe('operator page behind tokens', () => {
  let t: TestHub;
  const token = 'duty-officer-token-0123456789abcdef';
  beforeAll(async () => {
    t = await startTestHub({
      http: { tokens: [{ name: 'duty', hash: hashToken(token), scopes: ['read', 'ack'] }] },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('sends a browser without the cookie to the login form, and an API client a 401', async () => {
    const page = await t.hub.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/ui/login');
    const api = await t.hub.app.inject({ method: 'GET', url: '/api/alerts' });
    expect(api.statusCode).toBe(401);
    const form = await t.hub.app.inject({ method: 'GET', url: '/ui/login' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="token"');
  });

  it('sets an HttpOnly SameSite cookie that opens the page and the API', async () => {
    const login = await t.hub.app.inject({
      method: 'POST',
      url: '/ui/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${encodeURIComponent(token)}`,
    });
    expect(login.statusCode).toBe(303);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^hub_token=.+; HttpOnly; SameSite=Strict; Path=\//);
    const jar = cookie.split(';')[0] as string;
    const page = await t.hub.app.inject({
      method: 'GET',
      url: '/',
      headers: { accept: 'text/html', cookie: jar },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Cảnh báo');
    const api = await t.hub.app.inject({ method: 'GET', url: '/api/alerts', headers: { cookie: jar } });
    expect(api.statusCode).toBe(200);
    const wrong = await t.hub.app.inject({
      method: 'GET',
      url: '/api/alerts',
      headers: { cookie: 'hub_token=nope' },
    });
    expect(wrong.statusCode).toBe(401);
  });
});
