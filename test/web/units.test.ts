/** Pure pieces: public incident updates, postmortem drafts, redaction, windows, escaping, cookies, the limiter. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acknowledge, postUpdate, resolveManually } from '../../src/engine/index.js';
import { changeStatus, newIncident } from '../../src/engine/incident.js';
import type { Incident } from '../../src/engine/types.js';
import { parseCookies, serializeCookie } from '../../src/web/http/cookies.js';
import { RateLimiter } from '../../src/web/http/rate-limit.js';
import { escapeHtml, html, trusted } from '../../src/web/html/escape.js';
import { dayClass, dayTooltip } from '../../src/web/html/uptime-bar.js';
import { draftPostmortem, POSTMORTEM_FIELDS } from '../../src/web/postmortem.js';
import { publicProbeResult, redactUrl } from '../../src/monitor/redact.js';
import { granularityFor, parseWindow } from '../../src/web/stats.js';
import { impactOf, publicName, publicUpdates, statusIn } from '../../src/web/status/updates.js';
import { probeResult } from '../store/sample.js';
import { seedConfig } from './seed.js';

const T = Date.UTC(2025, 0, 1, 10);
const base: Incident = {
  id: 'i1',
  server: 'srv',
  severity: 'P1',
  status: 'investigating',
  trigger: 'consecutive_failures',
  activeTriggers: [],
  layer: 'http',
  code: 'status_5xx',
  openedAt: T,
  firstFailureAt: T - 120_000,
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  failedProbes: 4,
  lastGoodAt: null,
  timeline: [],
};

describe('public incident updates', () => {
  it('turns engine entries into standard sentences and keeps human updates, oldest first', () => {
    const i: Incident = {
      ...base,
      status: 'resolved',
      resolvedAt: T + 3_600_000,
      timeline: [
        { at: T, kind: 'opened', message: 'P1: 3 consecutive failures at http (HTTP 503 from 10.0.0.5)' },
        { at: T + 1, kind: 'notification', message: 'sent to pager' },
        { at: T + 2, kind: 'acknowledged', message: 'acknowledged by token:a' },
        {
          at: T + 60_000,
          kind: 'status',
          message: 'status changed from investigating to identified by token:a',
        },
        { at: T + 60_000, kind: 'update', message: 'Bad deploy.' },
        { at: T + 120_000, kind: 'update', message: 'Still rolling back.' },
        { at: T + 3_600_000, kind: 'resolved', message: '2 consecutive good probes' },
      ],
    };
    assert.deepEqual(
      publicUpdates(i).map((u) => `${u.status}: ${u.body}`),
      [
        'investigating: We are investigating failures of srv.',
        'identified: Bad deploy.',
        'identified: Still rolling back.',
        'resolved: This incident has been resolved.',
      ],
    );
    assert.ok(!JSON.stringify(publicUpdates(i)).includes('10.0.0.5'));
  });

  it('folds a closing message into the resolved update, in either order', () => {
    for (const order of [
      ['resolved', 'update'],
      ['update', 'resolved'],
    ] as const) {
      const i: Incident = {
        ...base,
        status: 'resolved',
        timeline: [
          { at: T, kind: 'opened', message: 'x' },
          ...order.map((kind) => ({
            at: T + 5,
            kind,
            message: kind === 'update' ? 'Fixed.' : 'resolved by token:a',
          })),
        ],
      };
      assert.deepEqual(
        publicUpdates(i).map((u) => `${u.status}: ${u.body}`),
        ['investigating: We are investigating failures of srv.', 'resolved: Fixed.'],
      );
    }
  });

  it('reads the timelines the engine writes (acknowledge, manual updates, relapse, resolve)', () => {
    let i = newIncident({
      server: 'srv',
      at: T,
      severity: 'P1',
      trigger: 'consecutive_failures',
      activeTriggers: ['consecutive_failures'],
      failure: { layer: 'transport', code: 'connect_refused' },
      firstFailureAt: T - 60_000,
      failedProbes: 3,
      lastGoodAt: null,
      message: 'connect ECONNREFUSED 10.1.2.3:443',
    });
    i = acknowledge(i, 'token:a', T + 60_000).incident;
    i = postUpdate(i, 'monitoring', 'Restarted the pod.', T + 120_000).incident;
    i = changeStatus(i, 'identified', T + 180_000, 'a probe failed while monitoring');
    i = postUpdate(i, 'identified', 'Still failing; looking at the node.', T + 240_000).incident;
    i = resolveManually(i, 'token:a', T + 300_000).incident;
    assert.deepEqual(
      publicUpdates(i).map((u) => `${u.at - T} ${u.status}: ${u.body}`),
      [
        '0 investigating: We are investigating failures of srv.',
        '60000 identified: The cause has been identified and a fix is under way.',
        '120000 monitoring: Restarted the pod.',
        '180000 identified: The cause has been identified and a fix is under way.',
        '240000 identified: Still failing; looking at the node.',
        '300000 resolved: This incident has been resolved.',
      ],
    );
    const closing = postUpdate(i, 'resolved', 'late note', T + 400_000).incident;
    assert.equal(publicUpdates(closing).at(-1)!.body, 'late note');
  });

  it('finds the status a status entry moved to', () => {
    assert.equal(statusIn('monitoring → identified: a probe failed while monitoring'), 'identified');
    assert.equal(statusIn('status changed from investigating to monitoring by token:a'), 'monitoring');
    assert.equal(statusIn('identified'), 'identified');
    assert.equal(statusIn('nothing here'), null);
  });

  it('names and rates incidents by severity', () => {
    assert.equal(publicName(base), 'srv unavailable');
    assert.equal(impactOf(base), 'critical');
    assert.equal(impactOf({ ...base, severity: 'P2' }), 'major');
    assert.equal(impactOf({ ...base, severity: 'P2', layer: null }), 'minor');
    assert.equal(publicName({ ...base, severity: 'P2' }), 'Degraded performance of srv');
  });
});

describe('draftPostmortem', () => {
  it('is pure and pre-fills the five bullets with the facts', () => {
    const i: Incident = { ...base, status: 'resolved', resolvedAt: T + 1_800_000 };
    const a = draftPostmortem(i);
    assert.deepEqual(a, draftPostmortem(i));
    assert.deepEqual(a.facts, {
      server: 'srv',
      severity: 'P1',
      trigger: 'consecutive_failures',
      start: T,
      end: T + 1_800_000,
      durationMs: 1_920_000,
      layer: 'http',
      code: 'status_5xx',
      probesFailed: 4,
      firstFailureAt: T - 120_000,
      timeToAlertMs: 120_000,
    });
    for (const f of POSTMORTEM_FIELDS) assert.ok(a[f].length > 10, f);
    assert.match(
      a.whatHappened,
      /From 2025-01-01 09:58 UTC to 2025-01-01 10:30 UTC \(32 min\), srv failed at the http layer \(status_5xx\): 4 probes failed/,
    );
    assert.match(a.why, /The server failed while answering/);
    assert.match(a.whyNotSooner, /opened 2 min later/);
    assert.equal(a.status, 'draft');
  });
});

describe('redaction', () => {
  it('hides credentials, query values and key-looking path segments', () => {
    assert.equal(
      redactUrl('https://u:p@h.example/mcp?key=abc&x=1'),
      'https://h.example/mcp?key=[redacted]&x=[redacted]',
    );
    assert.equal(
      redactUrl('https://h.example/mcp/sk-ak-9f8e7d6c5b4a39281706/sse'),
      'https://h.example/mcp/[redacted]/sse',
    );
    assert.equal(redactUrl('https://h.example/v1/mcp'), 'https://h.example/v1/mcp');
    assert.equal(redactUrl('not a url'), '[redacted]');
  });
  it('removes header values from probe messages', () => {
    const server = seedConfig().servers[0]!;
    const r = probeResult(T, { failLayer: 'http', code: 'auth_required' });
    r.failure!.message = `token ${server.headers.Authorization!.slice(7)} refused at ${server.url}`;
    const clean = JSON.stringify(publicProbeResult(r, server));
    assert.ok(!clean.includes(server.headers.Authorization!.slice(7)));
    assert.ok(!clean.includes('sk-ak-'));
  });
});

describe('windows', () => {
  it('parses durations between 1 minute and 400 days and picks a granularity', () => {
    assert.deepEqual(parseWindow('90m'), { name: '90m', ms: 5_400_000 });
    assert.equal(parseWindow('30s'), null);
    assert.equal(parseWindow('401d'), null);
    assert.equal(parseWindow('soon'), null);
    assert.deepEqual(
      ['1h', '6h', '7h', '30d', '61d'].map((w) => granularityFor(parseWindow(w)!.ms)),
      ['minute', 'minute', 'hour', 'hour', 'day'],
    );
  });
});

describe('HTML escaping', () => {
  it('escapes interpolations, not nested Html', () => {
    const user = `<img src=x onerror="alert('1')">&`;
    assert.equal(
      html`<p>${user}</p>`.text,
      '<p>&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;</p>',
    );
    assert.equal(
      html`<div>${html`<b>${'<'}</b>`}${[trusted('<i>'), 'x<']}</div>`.text,
      '<div><b>&lt;</b><i>x&lt;</div>',
    );
    assert.equal(html`${null}${undefined}${false}${0}`.text, '0');
    assert.equal(escapeHtml(`"'<>&`), '&quot;&#39;&lt;&gt;&amp;');
  });
  it('colours days by availability and explains them', () => {
    const day = (total: number, failed: number) => ({
      day: T,
      total,
      failed,
      failedByLayer: { transport: failed, http: 0, initialize: 0, tools_list: 0, tool_call: 0 },
    });
    assert.deepEqual([day(0, 0), day(1000, 0), day(1000, 5), day(1000, 30), day(1000, 100)].map(dayClass), [
      'd-none',
      'd-ok',
      'd-minor',
      'd-major',
      'd-down',
    ]);
    assert.equal(dayTooltip(day(0, 0)), '2025-01-01: no data');
    assert.equal(
      dayTooltip(day(1000, 5), ['Incident: x']),
      '2025-01-01: 99.50% available, 5 of 1000 probes failed (transport 5)\nIncident: x',
    );
  });
});

describe('cookies and the limiter', () => {
  it('parses and writes cookies', () => {
    assert.deepEqual(
      [...parseCookies('a=1; b="x%20y"; bad; c=%E0%A4%A').entries()],
      [
        ['a', '1'],
        ['b', 'x y'],
      ],
    );
    assert.equal(
      serializeCookie('s', 'v', { maxAgeSeconds: 5, secure: true }),
      's=v; Path=/; SameSite=Strict; Max-Age=5; HttpOnly; Secure',
    );
  });
  it('allows `limit` hits per window per key and resets', () => {
    let now = 0;
    const l = new RateLimiter(2, 1000, () => now);
    assert.deepEqual(
      [l.hit('a').allowed, l.hit('a').allowed, l.hit('a').allowed, l.hit('b').allowed],
      [true, true, false, true],
    );
    assert.ok(l.blocked('a'));
    now = 1000;
    assert.equal(l.hit('a').allowed, true);
    l.reset('a');
    assert.equal(l.blocked('a'), null);
  });
});
