import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MIN, T0, notification } from './fixtures.js';
import { channel, send } from './channel-helpers.js';
import { decodeHeader, parseMail, startSmtpReceiver, type SmtpReceiver } from './receivers/smtp.js';

const USER = 'alerts';
const PASS = 'smtp-password-123';
let smtp: SmtpReceiver;
before(async () => {
  smtp = await startSmtpReceiver(USER, PASS);
});
after(() => smtp.close());

const settings = (p: Record<string, unknown> = {}): Record<string, unknown> => ({
  from: 'mcpwatch <alerts@example.com>',
  to: ['oncall@example.com', 'team@example.com'],
  smtp: { host: '127.0.0.1', port: smtp.port, user: USER, pass: PASS },
  ...p,
});

test('an alert arrives over SMTP with headers, a text part and an HTML part', async () => {
  smtp.mails.length = 0;
  const o = await send(channel('email', settings()), notification(), {
    now: T0 + MIN,
    messageId: 'inc-1:trigger:P1:mail',
  });
  assert.ok(o.ok);
  assert.equal(o.status, 250);
  assert.match(o.receiverId ?? '', /^<[A-Za-z0-9_-]{22}@example\.com>$/);
  const [mail] = smtp.mails;
  assert.ok(mail);
  assert.equal(mail.user, USER);
  assert.equal(mail.from, 'alerts@example.com');
  assert.deepEqual(mail.to, ['oncall@example.com', 'team@example.com']);
  const { headers, parts } = parseMail(mail.raw);
  assert.equal(
    decodeHeader(headers.get('subject') ?? ''),
    '[mcpwatch] P1 DOWN: docs-search — MCP initialize failed (timeout)',
  );
  assert.equal(headers.get('from'), 'mcpwatch <alerts@example.com>');
  assert.equal(headers.get('to'), 'oncall@example.com, team@example.com');
  assert.equal(headers.get('message-id'), o.receiverId);
  assert.match(headers.get('references') ?? '', /^<incident\.[A-Za-z0-9_-]{22}@example\.com>$/);
  assert.equal(headers.get('in-reply-to'), headers.get('references'));
  assert.equal(headers.get('x-mcpwatch-kind'), 'trigger');
  assert.equal(headers.get('x-mcpwatch-severity'), 'P1');
  assert.equal(headers.get('x-mcpwatch-incident'), 'inc-1');
  assert.equal(headers.get('x-mcpwatch-server'), 'docs-search');
  assert.equal(headers.get('x-priority'), '1 (Highest)');
  assert.match(headers.get('content-type') ?? '', /^multipart\/alternative/);
  assert.deepEqual(
    parts.map((p) => p.type),
    ['text/plain', 'text/html'],
  );
  const textPart = parts[0]?.text ?? '';
  assert.equal(
    textPart.replace(/\r\n/g, '\n').trim(),
    [
      'P1 DOWN: docs-search — MCP initialize failed (timeout)',
      '',
      'Server: docs-search',
      'Severity: P1 · complete outage',
      'Failing: MCP initialize (initialize layer)',
      'Error: timeout — initialize timed out after 10 s',
      'Since: 08:58 UTC, 6 Jan 2025 (3 min ago)',
      'Probes: 3 failed in a row',
      'Last good probe: 08:57 UTC, 6 Jan 2025 (4 min ago)',
      'Incident: inc-1',
      '',
      'Acknowledge: http://localhost:8080/ack/v1.aW5jLTE.1736758800.abc',
      'Dashboard: http://localhost:8080/incidents/inc-1',
      'Status page: http://localhost:8080/status/public',
    ].join('\n'),
  );
  const html = parts[1]?.text ?? '';
  assert.match(html, /<h1[^>]*>P1 DOWN: docs-search — MCP initialize failed \(timeout\)<\/h1>/);
  assert.match(
    html,
    /<a href="http:\/\/localhost:8080\/ack\/v1\.aW5jLTE\.1736758800\.abc"[^>]*>Acknowledge<\/a>/,
  );
  assert.match(html, /Last good probe<\/td><td[^>]*>08:57 UTC, 6 Jan 2025 \(4 min ago\)/);
});

test('the resolve threads with the trigger and is not marked urgent', async () => {
  smtp.mails.length = 0;
  const mailer = channel('email', settings());
  await send(mailer, notification(), { messageId: 'inc-1:trigger:P1:mail' });
  await send(mailer, notification({ kind: 'resolve', resolvedAt: T0 + 20 * MIN }), {
    messageId: 'inc-1:resolve:mail',
  });
  const [a, b] = smtp.mails.map((m) => parseMail(m.raw).headers);
  assert.equal(a?.get('references'), b?.get('references'));
  assert.notEqual(a?.get('message-id'), b?.get('message-id'));
  assert.equal(b?.get('x-priority'), undefined);
  assert.equal(
    decodeHeader(b?.get('subject') ?? ''),
    '[mcpwatch] RESOLVED: docs-search is back after 22 min (was P1)',
  );
});

test('SMTP answers: 4xx is retried, 5xx is permanent, bad credentials are permanent and never echo the password', async () => {
  const mailer = channel('email', settings({ to: 'oncall@example.com' }));
  smtp.rejectNextRecipient(450, 'Mailbox busy, try later');
  const busy = await send(mailer, notification());
  assert.ok(!busy.ok && busy.retryable && busy.status === 450, JSON.stringify(busy));
  smtp.rejectNextRecipient(550, 'No such user');
  const gone = await send(mailer, notification());
  assert.ok(!gone.ok && !gone.retryable && gone.status === 550, JSON.stringify(gone));
  const wrong = await send(
    channel(
      'email',
      settings({ smtp: { host: '127.0.0.1', port: smtp.port, user: USER, pass: 'wrong-password-456' } }),
    ),
    notification(),
  );
  assert.ok(!wrong.ok && !wrong.retryable && wrong.status === 535, JSON.stringify(wrong));
  assert.ok(!wrong.ok && !wrong.error.includes('wrong-password-456'));
});

test('one refused recipient of two: delivered to the other, and said so', async () => {
  smtp.rejectNextRecipient(550, 'No such user');
  const o = await send(channel('email', settings()), notification());
  assert.ok(o.ok && o.answer === '250 OK: message queued (refused by 1 of 2 recipients)', JSON.stringify(o));
});

test('an unreachable SMTP server is retried', async () => {
  const o = await send(channel('email', settings({ smtp: { host: '127.0.0.1', port: 1 } })), notification());
  assert.ok(!o.ok && o.retryable, JSON.stringify(o));
});
