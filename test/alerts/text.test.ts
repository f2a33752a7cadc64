import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  facts,
  formatDuration,
  formatTime,
  headline,
  htmlText,
  plainText,
  shortText,
} from '../../src/alerts/text.js';
import { HOUR, MIN, T0, notification } from './fixtures.js';

test('headlines say what is wrong in one line', () => {
  assert.equal(headline(notification()), 'P1 DOWN: docs-search — MCP initialize failed (timeout)');
  assert.equal(
    headline(notification(), { emoji: true }),
    '🔴 P1 DOWN: docs-search — MCP initialize failed (timeout)',
  );
  assert.equal(
    headline(notification({ severity: 'P2' })),
    'P2 DEGRADED: docs-search — MCP initialize failed (timeout)',
  );
  assert.equal(
    headline(notification({ raisedFrom: 'P2' })),
    'P1 DOWN (raised from P2): docs-search — MCP initialize failed (timeout)',
  );
  assert.equal(
    headline(notification({ kind: 'escalate', escalation: { level: 'P1', afterMs: 5 * MIN } })),
    'ESCALATED P1, not acknowledged for 5 min: docs-search — MCP initialize failed (timeout)',
  );
  assert.equal(
    headline(notification({ kind: 'acknowledge', acknowledgedBy: 'alice', acknowledgedAt: T0 + MIN })),
    'ACKNOWLEDGED by alice: docs-search P1 — MCP initialize failed (timeout)',
  );
  assert.equal(
    headline(notification({ kind: 'resolve', resolvedAt: T0 + 21 * MIN })),
    'RESOLVED: docs-search is back after 23 min (was P1)',
  );
  assert.equal(
    headline(notification({ kind: 'test' })),
    'TEST ALERT from mcpwatch — nothing is down, no action needed',
  );
  assert.equal(headline(notification({ failure: null })), 'P1 DOWN: docs-search — check failed');
});

test('facts: since when, which layer, what error, how many probes, last good probe', () => {
  const now = T0 + 10 * MIN;
  assert.deepEqual(facts(notification(), now), [
    { label: 'Server', value: 'docs-search' },
    { label: 'Severity', value: 'P1 · complete outage' },
    { label: 'Failing', value: 'MCP initialize (initialize layer)' },
    { label: 'Error', value: 'timeout — initialize timed out after 10 s' },
    { label: 'Since', value: '08:58 UTC, 6 Jan 2025 (12 min ago)' },
    { label: 'Probes', value: '3 failed in a row' },
    { label: 'Last good probe', value: '08:57 UTC, 6 Jan 2025 (13 min ago)' },
    { label: 'Incident', value: 'inc-1' },
  ]);
  const resolved = facts(notification({ kind: 'resolve', resolvedAt: T0 + HOUR }), T0 + HOUR);
  assert.deepEqual(
    resolved.map((f) => f.label),
    ['Server', 'Severity', 'Failing', 'Error', 'Resolved', 'Down for', 'Incident'],
  );
  assert.equal(resolved.find((f) => f.label === 'Down for')?.value, '1 h 2 min');
});

test('plain text lists the links, acknowledge first', () => {
  const t = plainText(notification(), T0);
  assert.match(t, /^P1 DOWN: docs-search/);
  assert.ok(
    t.indexOf('Acknowledge: http://localhost:8080/ack/') <
      t.indexOf('Dashboard: http://localhost:8080/incidents/inc-1'),
  );
  assert.ok(t.includes('Status page: http://localhost:8080/status/public'));
});

test('short text fits its limit and never cuts the acknowledge link', () => {
  const long = notification({ server: 'a-very-long-server-name-'.repeat(10) });
  for (const max of [160, 200, 320]) {
    const s = shortText(long, T0, max);
    assert.ok(s.length <= max, `${s.length} <= ${max}`);
    assert.ok(s.endsWith(` Ack: ${long.links.acknowledge}`));
  }
  assert.equal(
    shortText(notification({ links: { statusPage: null, acknowledge: null, dashboard: null } }), T0),
    'P1 DOWN: docs-search — MCP initialize failed (timeout). 3 failed probes, since 08:58 UTC, 6 Jan 2025 (2 min ago).',
  );
});

test('HTML escapes what it shows', () => {
  const html = htmlText(
    notification({
      failure: {
        layer: 'http',
        step: 'HTTP request',
        code: 'status_5xx',
        message: '<script>x</script> & co',
      },
    }),
    T0,
  );
  assert.ok(html.includes('&lt;script&gt;x&lt;/script&gt; &amp; co'));
  assert.ok(!html.includes('<script>'));
});

test('times and durations', () => {
  assert.equal(formatTime(T0), '09:00 UTC, 6 Jan 2025');
  assert.equal(formatDuration(45_000), '45 s');
  assert.equal(formatDuration(5 * MIN), '5 min');
  assert.equal(formatDuration(2 * HOUR), '2 h');
  assert.equal(formatDuration(2 * HOUR + 5 * MIN), '2 h 5 min');
  assert.equal(formatDuration(50 * HOUR), '2 d 2 h');
});
