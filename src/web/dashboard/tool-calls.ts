/** The server page's per-tool table: real tool calls from OpenTelemetry, beside the probe layers. */
import type { ServerConfig } from '../../config/types.js';
import { toolStatsJson, ruleWindow } from '../api/tools.js';
import { html, type Html } from '../html/escape.js';
import { ms, percent, relative } from '../html/format.js';
import type { MonitorView } from '../../monitor/monitor-view.js';

export function toolCallsSection(view: MonitorView, server: ServerConfig, now: number): Html {
  const stats = view.telemetry?.tools(server.name) ?? [];
  const service = server.telemetry?.serviceName ?? server.name;
  if (stats.length === 0)
    return html`<p class="muted">
      No tool calls received. Send OpenTelemetry spans or the
      <code>mcp.server.operation.duration</code> metric with <code>service.name=${service}</code> to
      <code>/v1/traces</code> or <code>/v1/metrics</code> (a token of scope <code>ingest</code>).
    </p>`;
  const window = ruleWindow(server);
  const failing = new Set(view.toolFacts?.(server.name)?.failing.map((t) => t.tool) ?? []);
  const rows = toolStatsJson(server, stats, failing, window);
  return html`<table class="tool-calls">
    <thead>
      <tr>
        <th>Tool</th>
        <th class="num">Calls ${window}</th>
        <th class="num">Errors</th>
        <th class="num">Error rate</th>
        <th class="num">P2 at</th>
        <th class="num">p50</th>
        <th class="num">p95</th>
        <th class="num">p99</th>
        <th class="num">Error rate 1h</th>
        <th class="num">Error rate 24h</th>
        <th>Last error</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (t) =>
          html`<tr${t.failing ? html` class="failing"` : ''}>
            <td>
              <code>${t.name}</code>${t.failing ? html` <span class="pill s-degraded">failing</span>` : ''}
            </td>
            <td class="num">${t.calls}</td>
            <td class="num">${t.errors}</td>
            <td class="num">${percent(t.errorRate)}</td>
            <td class="num">${t.threshold.alert ? `${percent(t.threshold.errorRate, 0)} of ≥${t.threshold.minCalls}` : 'off'}</td>
            <td class="num">${ms(t.latency.p50)}</td>
            <td class="num">${ms(t.latency.p95)}</td>
            <td class="num">${ms(t.latency.p99)}</td>
            <td class="num">${percent(t.windows['1h'].errorRate)}</td>
            <td class="num">${percent(t.windows['24h'].errorRate)}</td>
            <td>${t.lastErrorAt !== null ? html`<code>${t.lastErrorType ?? ''}</code> ${relative(t.lastErrorAt, now)}` : ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
