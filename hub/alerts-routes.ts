/**
 * The alerts HTTP API (alerts issue): active alerts, history, ack, rules and their reload, mutes.
 * Thin: every route maps onto one AlertService method. Reads need the `read` scope, changes `ack`.
 */
import type { FastifyInstance } from 'fastify';
import type { AlertService } from '../alerts/service.ts';

export interface AlertsRoutesDeps {
  alerts: AlertService;
  /** Re-reads the config file (when the hub has one) and reloads the rules. */
  reloadRules(): Promise<{ ok: boolean; rules?: number; error?: string }>;
  now(): number;
  audit?(event: string, details: Record<string, unknown>): void;
}

const DAY_MS = 86_400_000;

function parseTime(value: string | undefined, fallback: number): number | null {
  if (value === undefined || value === '') return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(n) ? n : null;
}

export function alertsRoutes(deps: AlertsRoutesDeps): (app: FastifyInstance) => void {
  const { alerts } = deps;
  return (app) => {
    app.get<{ Querystring: { department?: string } }>('/api/alerts', async (req) =>
      alerts.listActive(req.query.department ? { department: req.query.department } : {}),
    );

    app.get<{ Querystring: { from?: string; to?: string } }>('/api/alerts/history', async (req, reply) => {
      const to = parseTime(req.query.to, deps.now());
      const from = to === null ? null : parseTime(req.query.from, to - DAY_MS);
      if (to === null || from === null || from > to) {
        return reply.code(400).send({ error: 'from and to: ISO 8601 times or epoch ms, from ≤ to' });
      }
      return alerts.history(from, to);
    });

    app.post<{ Params: { id: string }; Body: { by?: string } | undefined }>(
      '/api/alerts/:id/ack',
      { config: { scope: 'ack' } },
      async (req, reply) => {
        const by = typeof req.body?.by === 'string' && req.body.by.trim() ? req.body.by.trim() : undefined;
        if (!by) return reply.code(400).send({ error: 'body {"by": "<who acknowledges>"} is required' });
        if (!alerts.ack(req.params.id, by))
          return reply.code(404).send({ error: `no active alert ${req.params.id}` });
        deps.audit?.('alert.ack', { alert: req.params.id, by, operator: req.operator });
        return { ok: true, id: req.params.id, by };
      },
    );

    app.get('/api/rules', async () => alerts.rules());

    app.post('/api/rules/reload', { config: { scope: 'ack' } }, async (req, reply) => {
      const result = await deps.reloadRules();
      deps.audit?.('rules.reload', { ...result, operator: req.operator });
      return reply.code(result.ok ? 200 : 400).send(result);
    });

    app.get('/api/mutes', async () => alerts.listMutes());

    app.post<{ Body: unknown }>('/api/mutes', { config: { scope: 'ack' } }, async (req, reply) => {
      const result = alerts.addMute(req.body);
      if (!result.ok) return reply.code(400).send({ error: result.error });
      deps.audit?.('mute.add', { ...result.mute, operator: req.operator });
      return reply.code(201).send(result.mute);
    });

    app.delete<{ Params: { id: string } }>(
      '/api/mutes/:id',
      { config: { scope: 'ack' } },
      async (req, reply) => {
        if (!alerts.removeMute(req.params.id))
          return reply.code(404).send({ error: `no mute ${req.params.id}` });
        deps.audit?.('mute.remove', { id: req.params.id, operator: req.operator });
        return { ok: true };
      },
    );
  };
}
