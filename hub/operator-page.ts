/**
 * The operator page (`/`): server-rendered HTML where a duty officer sees firing and pending alerts by
 * department, acknowledges them, and sees recent history, mutes and the hub's status. Plain forms, no
 * front-end framework; refreshes itself every 15 s. Grafana shows alerts but cannot acknowledge ours.
 */
import type { FastifyInstance } from 'fastify';
import type { ActiveAlert } from '../alerts/active.ts';
import type { TransitionPayload } from '../alerts/payload.ts';
import type { AlertService } from '../alerts/service.ts';
import type { HealthReport } from './health.ts';
import { TOKEN_COOKIE } from './http-auth.ts';
import { formatTime, type Lang, TEXT } from './operator-i18n.ts';

export interface OperatorPageDeps {
  alerts: AlertService;
  health(): HealthReport;
  now(): number;
  audit?(event: string, details: Record<string, unknown>): void;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const SEVERITY_ORDER = ['critical', 'warning', 'info'];
// Served as files, not inline: the hub's Content-Security-Policy (http-security.ts) allows only 'self'
// styles and scripts, so an inline <style> would be ignored and the page shown unstyled.
const STYLE = `body{font-family:system-ui,'Noto Sans','DejaVu Sans',sans-serif;margin:1.5rem;background:#111;color:#eee;line-height:1.4}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{margin-top:2rem;border-bottom:1px solid #444;font-size:1.25rem}
h3{margin:1rem 0 .4rem;font-size:1.05rem;color:#ccc}table{border-collapse:collapse;width:100%}
td,th{padding:.35rem .6rem;border-bottom:1px solid #333;text-align:left;vertical-align:top}
th{color:#aaa;font-weight:600;white-space:nowrap}td.time,td.id,td.critical,td.warning,td.info{white-space:nowrap}
.critical{color:#ff6b6b;font-weight:bold}.warning{color:#ffb347}.info{color:#8ecae6}
tr.firing td{font-weight:600}.badge{padding:.1rem .4rem;border-radius:.3rem;background:#333;white-space:nowrap}
.acked{color:#7bd88f}form.ack{display:flex;gap:.3rem;flex-wrap:nowrap}
input{font-size:1rem;padding:.2rem .4rem;background:#222;color:#eee;border:1px solid #555;border-radius:.25rem;width:8rem}
button{white-space:nowrap;font-size:1rem;padding:.2rem .8rem;background:#2d6a4f;color:#fff;border:0;border-radius:.25rem;cursor:pointer}
button:hover{background:#40916c}a{color:#8ecae6}.ok{color:#7bd88f}`;

// Refreshes the page every 15 s, but never while the duty officer is typing a name into an Ack form.
const SCRIPT = `setInterval(function(){var busy=Array.prototype.some.call(document.querySelectorAll('input'),function(i){return i.value!==''||i===document.activeElement});if(!busy)location.reload()},15000);`;

function activeTable(alerts: ActiveAlert[], t: (typeof TEXT)[Lang], lang: Lang): string {
  if (alerts.length === 0) return `<p>${t.none}</p>`;
  const rows = alerts
    .sort(
      (a, b) =>
        SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
        a.startedAtMs - b.startedAtMs,
    )
    .map((a) => {
      const ack = a.ack
        ? `<span class="acked">${t.acked}: ${esc(a.ack.by)}, ${esc(formatTime(a.ack.atMs, lang))}</span>`
        : `<form class="ack" method="post" action="/ui/alerts/${encodeURIComponent(a.id)}/ack?lang=${lang}">
<input name="by" required placeholder="${t.by}" aria-label="${t.by}"><button type="submit">${t.ack}</button></form>`;
      return `<tr data-alert="${esc(a.id)}" class="${esc(a.state)}"><td class="${esc(a.severity)}">${esc(t.severities[a.severity] ?? a.severity)}</td>
<td class="id">${esc(a.rule)}</td><td class="id">${esc(a.entity)}</td><td><span class="badge">${esc(t.states[a.state] ?? a.state)}</span>${a.muted ? ` (${t.muted})` : ''}</td>
<td class="time">${esc(formatTime(a.firingAtMs ?? a.startedAtMs, lang))}</td><td>${esc(lang === 'vi' ? a.messageVi : a.message)}</td><td>${ack}</td></tr>`;
    });
  return `<table><thead><tr><th>${t.severity}</th><th>${t.rule}</th><th>${t.entity}</th><th>${t.state}</th><th>${t.since}</th><th>${t.message}</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function historyTable(history: TransitionPayload[], t: (typeof TEXT)[Lang], lang: Lang): string {
  if (history.length === 0) return `<p>${t.none}</p>`;
  const rows = history
    .slice(-200)
    .reverse()
    .map(
      (
        h,
      ) => `<tr><td class="time">${esc(formatTime(h.time_ms, lang))}</td><td>${esc(t.departments[h.department] ?? h.department)}</td>
<td class="${esc(h.severity)}">${esc(t.severities[h.severity] ?? h.severity)}</td><td class="id">${esc(h.rule)}</td><td class="id">${esc(h.entity)}</td>
<td>${esc(t.states[h.state] ?? h.state)}</td><td>${esc(lang === 'vi' ? h.message_vi : h.message)}</td></tr>`,
    );
  return `<table><thead><tr><th>${t.time}</th><th>${t.department}</th><th>${t.severity}</th><th>${t.rule}</th><th>${t.entity}</th><th>${t.state}</th><th>${t.message}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderOperatorPage(deps: OperatorPageDeps, lang: Lang): string {
  const t = TEXT[lang];
  const now = deps.now();
  const active = deps.alerts.listActive();
  const departments = [...new Set(active.map((a) => a.department))].sort();
  const sections = departments.length
    ? departments
        .map(
          (d) =>
            `<section data-department="${esc(d)}"><h3>${esc(t.departments[d] ?? d)}</h3>${activeTable(
              active.filter((a) => a.department === d),
              t,
              lang,
            )}</section>`,
        )
        .join('')
    : `<p>${t.none}</p>`;
  const mutes = deps.alerts.listMutes().filter((m) => m.toMs > now);
  const muteRows = mutes.length
    ? `<table><tbody>${mutes
        .map(
          (m) =>
            `<tr><td>${esc([m.rule, m.department, m.entity].filter(Boolean).join(' / '))}</td><td>${t.until} ${esc(formatTime(m.toMs, lang))}</td><td>${t.reason}: ${esc(m.reason)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : `<p>${t.noMutes}</p>`;
  const health = deps.health();
  const statusWord = health.status === 'ok' ? t.ok : health.status === 'degraded' ? t.degraded : t.unready;
  const other: Lang = lang === 'vi' ? 'en' : 'vi';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${t.title}</title>
<link rel="stylesheet" href="/ui/operator.css"><script src="/ui/operator.js" defer></script></head>
<body><h1>${t.title}</h1><p><a href="/?lang=${other}">${t.other}</a> · ${esc(formatTime(now, lang))}</p>
<h2>${t.active}</h2>${sections}
<h2>${t.history}</h2>${historyTable(deps.alerts.history(now - 86_400_000, now), t, lang)}
<h2>${t.mutes}</h2>${muteRows}
<h2>${t.status}</h2><p id="hub-status" class="${health.status === 'ok' ? 'ok' : 'warning'}">${esc(health.instance)}: ${statusWord}${health.reasons.length ? ` — ${esc(health.reasons.join('; '))}` : ''}</p>
</body></html>`;
}

export function operatorPageRoutes(deps: OperatorPageDeps): (app: FastifyInstance) => void {
  return (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
    const langOf = (q: { lang?: string }): Lang => (q.lang === 'en' ? 'en' : 'vi');

    app.get('/ui/operator.css', async (_req, reply) =>
      reply.type('text/css; charset=utf-8').header('Cache-Control', 'max-age=300').send(STYLE),
    );
    app.get('/ui/operator.js', async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'max-age=300').send(SCRIPT),
    );

    // Browser login for deployments with `http.tokens`: the token goes into an HttpOnly, SameSite=Strict
    // cookie (so cross-site forms cannot use it), read by the auth hook like a bearer header.
    app.get('/ui/login', async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập / Sign in</title><link rel="stylesheet" href="/ui/operator.css"></head><body><h1>Đăng nhập / Sign in</h1><form method="post" action="/ui/login"><label>Mã truy cập / Operator token <input name="token" type="password" required autocomplete="current-password"></label> <button type="submit">OK</button></form></body></html>`,
        ),
    );
    app.post<{ Body: { token?: string } | undefined }>('/ui/login', async (req, reply) => {
      const token = req.body?.token?.trim() ?? '';
      const secure = req.protocol === 'https' ? '; Secure' : '';
      return reply
        .header(
          'Set-Cookie',
          `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/${secure}`,
        )
        .redirect('/', 303);
    });

    app.get<{ Querystring: { lang?: string } }>('/', async (req, reply) =>
      reply.type('text/html; charset=utf-8').send(renderOperatorPage(deps, langOf(req.query))),
    );

    app.post<{ Params: { id: string }; Querystring: { lang?: string }; Body: { by?: string } | undefined }>(
      '/ui/alerts/:id/ack',
      { config: { scope: 'ack' } },
      async (req, reply) => {
        const by = req.body?.by?.trim();
        if (by && deps.alerts.ack(req.params.id, by))
          deps.audit?.('alert.ack', { alert: req.params.id, by, via: 'page', operator: req.operator });
        return reply.redirect(`/?lang=${langOf(req.query)}`, 303);
      },
    );
  };
}
