/**
 * A Standard Webhooks consumer: verifies the signature with the independent `standardwebhooks`
 * package (tolerance 5 min against the real clock) and checks the payload documented in
 * docs/webhook-payload.md field by field.
 */
import { Webhook } from 'standardwebhooks';
import { Checks, json, parseJson, startReceiver, type Receiver } from './server.js';

const TYPES = [
  'incident.triggered',
  'incident.escalated',
  'incident.acknowledged',
  'incident.resolved',
  'digest.created',
  'test',
];
const KINDS = ['trigger', 'escalate', 'acknowledge', 'resolve', 'digest', 'test'];
const DATA_KEYS = [
  'kind',
  'test',
  'incidentId',
  'severity',
  'server',
  'summary',
  'failure',
  'consecutiveFailures',
  'since',
  'openedAt',
  'lastGoodAt',
  'acknowledgedAt',
  'acknowledgedBy',
  'resolvedAt',
  'escalation',
  'raisedFrom',
  'links',
  'digest',
];

function nullableIso(c: Checks, v: unknown, path: string): void {
  if (v !== null) c.isoTime(v, path);
}

export function checkWebhookPayload(c: Checks, body: unknown): void {
  if (!c.obj(body, 'body')) return;
  c.only(body, ['type', 'timestamp', 'data'], 'body');
  c.oneOf(body.type, TYPES, 'type');
  c.isoTime(body.timestamp, 'timestamp');
  const d = body.data;
  if (!c.obj(d, 'data')) return;
  for (const k of DATA_KEYS) c.check(k in d, `data.${k} is missing`);
  c.only(d, DATA_KEYS, 'data');
  c.oneOf(d.kind, KINDS, 'data.kind');
  c.oneOf(d.severity, ['P1', 'P2', 'P3'], 'data.severity');
  c.check(typeof d.test === 'boolean', 'data.test must be a boolean');
  c.str(d.summary, 'data.summary', { required: true });
  for (const k of ['since', 'openedAt', 'lastGoodAt', 'acknowledgedAt', 'resolvedAt'])
    nullableIso(c, d[k], `data.${k}`);
  if (d.failure !== null && c.obj(d.failure, 'data.failure')) {
    c.only(d.failure, ['layer', 'step', 'code', 'message'], 'data.failure');
    c.oneOf(d.failure.layer, ['transport', 'http', 'initialize', 'tools_list', null], 'data.failure.layer');
  }
  if (c.obj(d.links, 'data.links')) {
    c.only(d.links, ['statusPage', 'acknowledge', 'dashboard'], 'data.links');
    for (const [k, v] of Object.entries(d.links)) if (v !== null) c.url(v, `data.links.${k}`);
  }
  c.check(
    d.consecutiveFailures === null || Number.isInteger(d.consecutiveFailures),
    'data.consecutiveFailures must be an integer or null',
  );
}

/** `secret` is what this receiver knows (a whsec_ string). */
export async function startWebhookReceiver(secret: string): Promise<Receiver> {
  const verifier = new Webhook(secret);
  return startReceiver((req) => {
    const c = new Checks();
    c.check(req.method === 'POST', 'method must be POST');
    c.check(req.headers['content-type'] === 'application/json', 'content-type must be application/json');
    c.check(/^msg_[A-Za-z0-9_-]+$/.test(req.headers['webhook-id'] ?? ''), 'webhook-id must look like msg_…');
    try {
      verifier.verify(req.body, req.headers);
    } catch (err) {
      c.problems.push(`signature: ${(err as Error).message}`);
      return { answer: json(401, { error: 'invalid signature' }), problems: c.problems };
    }
    checkWebhookPayload(c, parseJson(req.body, c));
    return {
      answer: c.problems.length ? json(400, { errors: c.problems }) : json(200, { received: true }),
      problems: c.problems,
    };
  });
}
