/**
 * Opsgenie Alert API as documented: GenieKey auth, create with field limits, acknowledge and close
 * by alias (identifierType=alias). Keeps the alerts it holds so tests can see their lifecycle.
 */
import { randomUUID } from 'node:crypto';
import { Checks, jsonPost, json, startReceiver, type Receiver } from './server.js';

export interface OpsgenieAlert {
  alias: string;
  message: string;
  priority: string;
  status: 'open' | 'closed';
  acknowledged: boolean;
  count: number;
}

export async function startOpsgenieReceiver(
  apiKey: string,
): Promise<Receiver & { alerts: Map<string, OpsgenieAlert> }> {
  const alerts = new Map<string, OpsgenieAlert>();
  const r = await startReceiver((req) => {
    const c = new Checks();
    const ok = (): { answer: ReturnType<typeof json>; problems: string[] } => ({
      answer: json(202, { result: 'Request will be processed', took: 0.01, requestId: randomUUID() }),
      problems: [],
    });
    if (req.headers.authorization !== `GenieKey ${apiKey}`) {
      return {
        answer: json(401, { message: 'Could not authenticate', took: 0 }),
        problems: ['bad Authorization header'],
      };
    }
    const body = jsonPost(req, c);
    const action = /^\/v2\/alerts\/([^/]+)\/(close|acknowledge)$/.exec(req.path);
    if (req.path === '/v2/alerts' && c.obj(body, 'body')) {
      c.only(
        body,
        [
          'message',
          'alias',
          'description',
          'responders',
          'visibleTo',
          'actions',
          'tags',
          'details',
          'entity',
          'source',
          'priority',
          'user',
          'note',
        ],
        'body',
      );
      c.str(body.message, 'message', { required: true, max: 130 });
      c.str(body.alias, 'alias', { max: 512 });
      c.str(body.description, 'description', { max: 15000 });
      c.str(body.entity, 'entity', { max: 512 });
      c.str(body.source, 'source', { max: 100 });
      c.str(body.user, 'user', { max: 100 });
      c.str(body.note, 'note', { max: 25000 });
      if (body.priority !== undefined) c.oneOf(body.priority, ['P1', 'P2', 'P3', 'P4', 'P5'], 'priority');
      if (c.arr(body.tags, 'tags', { max: 20 }))
        body.tags.forEach((t, i) => c.str(t, `tags[${i}]`, { required: true, max: 50 }));
      if (c.obj(body.details, 'details', false)) {
        for (const [k, v] of Object.entries(body.details)) c.str(v, `details.${k}`, { required: true });
        c.check(JSON.stringify(body.details).length <= 8000, 'details are longer than 8000 characters');
      }
      if (c.arr(body.responders, 'responders', { max: 50 })) {
        body.responders.forEach((x, i) => {
          if (c.obj(x, `responders[${i}]`))
            c.oneOf(x.type, ['team', 'user', 'escalation', 'schedule'], `responders[${i}].type`);
        });
      }
      if (c.problems.length)
        return { answer: json(422, { message: c.problems.join('; '), took: 0 }), problems: c.problems };
      const alias = typeof body.alias === 'string' ? body.alias : String(body.message);
      const existing = alerts.get(alias);
      if (existing && existing.status === 'open') existing.count++;
      else
        alerts.set(alias, {
          alias,
          message: String(body.message),
          priority: String(body.priority ?? 'P3'),
          status: 'open',
          acknowledged: false,
          count: 1,
        });
      return ok();
    }
    if (action) {
      c.check(req.query.get('identifierType') === 'alias', 'identifierType must be alias');
      if (body !== undefined && c.obj(body, 'body')) {
        c.only(body, ['user', 'source', 'note'], 'body');
        c.str(body.user, 'user', { max: 100 });
        c.str(body.source, 'source', { max: 100 });
        c.str(body.note, 'note', { max: 25000 });
      }
      if (c.problems.length)
        return { answer: json(422, { message: c.problems.join('; '), took: 0 }), problems: c.problems };
      const alert = alerts.get(decodeURIComponent(action[1] ?? ''));
      // Opsgenie accepts the request asynchronously even for an unknown alias; the tests look at state.
      if (alert && action[2] === 'close') alert.status = 'closed';
      if (alert && action[2] === 'acknowledge') alert.acknowledged = true;
      return ok();
    }
    c.problems.push(`unexpected ${req.method} ${req.path}`);
    return { answer: json(404, { message: 'Not found', took: 0 }), problems: c.problems };
  });
  return Object.assign(r, { alerts });
}
