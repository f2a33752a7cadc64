/** PagerDuty Events API v2 as documented: POST /v2/enqueue, strict event validation, 202 on success. */
import { Checks, json, parseJson, startReceiver, type Receiver } from './server.js';

export async function startPagerDutyReceiver(routingKey: string): Promise<Receiver> {
  return startReceiver((req) => {
    const c = new Checks();
    c.check(
      req.method === 'POST' && req.path === '/v2/enqueue',
      `expected POST /v2/enqueue, got ${req.method} ${req.path}`,
    );
    c.check(
      (req.headers['content-type'] ?? '').startsWith('application/json'),
      'content-type must be application/json',
    );
    const e = parseJson(req.body, c);
    if (c.obj(e, 'event')) {
      c.only(
        e,
        ['routing_key', 'event_action', 'dedup_key', 'payload', 'images', 'links', 'client', 'client_url'],
        'event',
      );
      c.check(e.routing_key === routingKey, 'routing_key is not this integration key');
      c.oneOf(e.event_action, ['trigger', 'acknowledge', 'resolve'], 'event_action');
      if (e.event_action !== 'trigger') c.str(e.dedup_key, 'dedup_key', { required: true, max: 255 });
      else c.str(e.dedup_key, 'dedup_key', { max: 255 });
      if (e.event_action === 'trigger' && c.obj(e.payload, 'payload')) {
        const p = e.payload;
        c.only(
          p,
          ['summary', 'source', 'severity', 'timestamp', 'component', 'group', 'class', 'custom_details'],
          'payload',
        );
        c.str(p.summary, 'payload.summary', { required: true, max: 1024 });
        c.str(p.source, 'payload.source', { required: true, max: 255 });
        c.oneOf(p.severity, ['critical', 'error', 'warning', 'info'], 'payload.severity');
        if (p.timestamp !== undefined) c.isoTime(p.timestamp, 'payload.timestamp');
        for (const k of ['component', 'group', 'class']) c.str(p[k], `payload.${k}`);
        c.obj(p.custom_details, 'payload.custom_details', false);
      }
      if (e.event_action !== 'trigger')
        c.check(e.payload === undefined, 'payload only goes with trigger events');
      if (c.arr(e.links, 'links')) {
        e.links.forEach((l, i) => {
          if (c.obj(l, `links[${i}]`)) {
            c.only(l, ['href', 'text'], `links[${i}]`);
            c.url(l.href, `links[${i}].href`);
            c.str(l.text, `links[${i}].text`);
          }
        });
      }
      if (e.client_url !== undefined) c.url(e.client_url, 'client_url');
    }
    const dedup = c.obj(e, 'event') && typeof e.dedup_key === 'string' ? e.dedup_key : 'generated-key';
    const answer = c.problems.length
      ? json(400, { status: 'invalid event', message: 'Event object is invalid', errors: c.problems })
      : json(202, { status: 'success', message: 'Event processed', dedup_key: dedup });
    return { answer, problems: c.problems };
  });
}
