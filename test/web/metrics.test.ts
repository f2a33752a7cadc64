/** /metrics: strict Prometheus text, probe and notification metrics, scrape-time gauges, bounded labels. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/web/app.js';
import { createWebMetrics, OTHER } from '../../src/web/metrics.js';
import { probeResult } from '../store/sample.js';
import { assertProblem, auth, seededApp, type TestApp } from './helpers.js';
import { parsePrometheus, type Family } from './prom-parse.js';

let t: TestApp;
let metricsApp: ReturnType<typeof buildApp>;
let metrics: ReturnType<typeof createWebMetrics>;
before(async () => {
  t = await seededApp();
  metrics = createWebMetrics(t.view, { maxServers: 3, maxRegions: 2 });
  metricsApp = buildApp(t.view, { metrics, publicMetrics: false });
  const now = t.view.now();
  metrics.recordProbe({ ...probeResult(now), region: 'eu' }, 'docs-search');
  metrics.recordProbe(
    { ...probeResult(now, { failLayer: 'transport', code: 'connect_refused' }), region: 'eu' },
    'billing-tools',
  );
  metrics.recordProbe({ ...probeResult(now), region: 'us' }, 'weather');
  metrics.recordProbe({ ...probeResult(now), region: 'ap' }, 'weather');
  metrics.recordProbe({ ...probeResult(now), region: 'eu' }, 'internal-admin');
  metrics.recordProbe({ ...probeResult(now), region: 'eu' }, 'not-configured');
  metrics.recordNotification('pager', 'sent');
  metrics.recordNotification('pager', 'failed');
  metrics.recordNotification('who-knows', 'sent');
});
after(async () => {
  await metricsApp.close();
  await t.app.close();
});

const samples = (f: Family | undefined, match: Record<string, string> = {}) =>
  (f?.samples ?? []).filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v));

describe('/metrics', () => {
  it('is public by default and parses strictly, with process health', async () => {
    const res = await t.app.inject({ url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheus(res.body);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.ok(families.has(name), name);
    }
  });

  it('can require a read token', async () => {
    assertProblem(await metricsApp.inject({ url: '/metrics' }), 401);
    assert.equal((await metricsApp.inject({ url: '/metrics', headers: auth(t.readToken) })).statusCode, 200);
  });

  it('counts probes, failures and per-phase durations per server, region and layer', async () => {
    const families = parsePrometheus(
      (await metricsApp.inject({ url: '/metrics', headers: auth(t.readToken) })).body,
    );
    const probes = families.get('mcpwatch_probes_total')!;
    assert.equal(probes.type, 'counter');
    assert.equal(samples(probes, { server: 'docs-search', region: 'eu', outcome: 'ok' })[0]?.value, 1);
    assert.equal(samples(probes, { server: 'billing-tools', outcome: 'failed' })[0]?.value, 1);
    const failures = families.get('mcpwatch_probe_failures_total')!;
    assert.deepEqual(samples(failures)[0]?.labels, {
      server: 'billing-tools',
      region: 'eu',
      layer: 'transport',
      code: 'connect_refused',
    });
    const duration = families.get('mcpwatch_probe_duration_seconds')!;
    assert.equal(duration.type, 'histogram');
    const phases = new Set(
      samples(duration, { server: 'docs-search' }).map((s) => `${s.labels.layer}/${s.labels.phase}`),
    );
    for (const p of [
      'transport/dns',
      'transport/connect',
      'transport/tls',
      'transport/total',
      'http/ttfb',
      'http/total',
      'initialize/total',
      'tools_list/total',
      'probe/total',
    ]) {
      assert.ok(phases.has(p), p);
    }
    const success = families.get('mcpwatch_probe_success')!;
    assert.equal(samples(success, { server: 'billing-tools' })[0]?.value, 0);
  });

  it('bounds labels: server and region caps and unknown names become _other', async () => {
    const families = parsePrometheus(
      (await metricsApp.inject({ url: '/metrics', headers: auth(t.readToken) })).body,
    );
    const servers = new Set(samples(families.get('mcpwatch_probes_total')).map((s) => s.labels.server));
    assert.deepEqual([...servers].sort(), [OTHER, 'billing-tools', 'docs-search', 'weather'].sort());
    const regions = new Set(samples(families.get('mcpwatch_probes_total')).map((s) => s.labels.region));
    assert.deepEqual([...regions].sort(), [OTHER, 'eu', 'us'].sort());
    const channels = samples(families.get('mcpwatch_notifications_total')).map(
      (s) => `${s.labels.channel}/${s.labels.outcome}=${s.value}`,
    );
    assert.deepEqual(channels.sort(), [`${OTHER}/sent=1`, 'pager/failed=1', 'pager/sent=1']);
  });

  it('exposes incident, warning, state, SLO and TLS gauges read at scrape time', async () => {
    const families = parsePrometheus((await t.app.inject({ url: '/metrics' })).body);
    assert.equal(samples(families.get('mcpwatch_incidents_open'), { severity: 'P1' })[0]?.value, 1);
    assert.equal(samples(families.get('mcpwatch_incidents_open'), { severity: 'P2' })[0]?.value, 1);
    assert.equal(samples(families.get('mcpwatch_warnings_active'), { rule: 'cert_expiring' })[0]?.value, 1);
    assert.equal(
      samples(families.get('mcpwatch_server_state'), { server: 'billing-tools' })[0]?.labels.state,
      'down',
    );
    assert.ok(samples(families.get('mcpwatch_slo_budget_remaining_ratio')).length === 4);
    assert.ok(
      (samples(families.get('mcpwatch_slo_burn_rate'), { server: 'billing-tools', window: '1h' })[0]?.value ??
        0) > 14.4,
    );
    assert.ok(
      (samples(families.get('mcpwatch_tls_days_remaining'), { server: 'weather' })[0]?.value ?? 99) < 10,
    );
    assert.equal(
      samples(families.get('mcpwatch_channel_pending_messages'), { channel: 'pager' })[0]?.value,
      0,
    );
  });
});
