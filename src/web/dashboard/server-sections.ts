/** The sections of a server's dashboard page, each a pure render of data read by server-page.ts. */
import { LIKELY_FIX } from '../../probe/explain.js';
import type { ServerConfig } from '../../config/types.js';
import type { Incident, Warning } from '../../engine/types.js';
import { LAYERS } from '../../probe/types.js';
import type { StoredResult, ToolSurface } from '../../store/store.js';
import type { Session } from '../auth/sessions.js';
import type { SurfaceDiff } from '../drift.js';
import { html, type Html } from '../html/escape.js';
import { ms, percent, relative, span, utc } from '../html/format.js';
import { lineChart } from '../html/svg-chart.js';
import { BURN_WINDOWS, type MonitorSummary } from '../../monitor/monitor-view.js';
import { publicProbeResult } from '../../monitor/redact.js';
import type { Series, WindowStats } from '../stats.js';

export const LAYER_COLORS: Record<(typeof LAYERS)[number], string> = {
  transport: '#c53030',
  http: '#dd6b20',
  initialize: '#805ad5',
  tools_list: '#3182ce',
  tool_call: '#2f855a',
};

const stepLabel = (stepMs: number) => (at: number) =>
  stepMs >= 86_400_000
    ? new Date(at).toISOString().slice(5, 10)
    : new Date(at).toISOString().slice(5, 16).replace('T', ' ');

export function charts(s: Series): Html {
  const xs = s.points.map((p) => p.at);
  const errors = lineChart({
    xs,
    label: `Error rate per layer over ${s.window}`,
    series: [
      { name: 'total', color: '#1a202c', values: s.points.map((p) => p.errorRate) },
      ...LAYERS.map((l) => ({
        name: l,
        color: LAYER_COLORS[l],
        values: s.points.map((p) => p.errorRateByLayer[l]),
      })),
    ],
    formatY: (v) => percent(v, v < 0.1 ? 1 : 0),
    formatX: stepLabel(s.stepMs),
    minYMax: 0.05,
  });
  const latency = lineChart({
    xs,
    label: `Latency p50 and p95 over ${s.window}`,
    series: [
      { name: 'p50', color: '#3182ce', values: s.points.map((p) => p.p50) },
      { name: 'p95', color: '#dd6b20', values: s.points.map((p) => p.p95) },
    ],
    formatY: (v) => ms(v),
    formatX: stepLabel(s.stepMs),
    minYMax: 100,
  });
  return html`<div class="charts">
    <figure>
      <figcaption>Error rate per layer (${s.window}, step ${span(s.stepMs)})</figcaption>
      ${errors}
    </figure>
    <figure>
      <figcaption>Latency p50 / p95 (${s.window})</figcaption>
      ${latency}
    </figure>
  </div>`;
}

export function rateTable(stats: readonly WindowStats[]): Html {
  return html`<table>
    <thead>
      <tr>
        <th>Window</th>
        <th class="num">Probes</th>
        <th class="num">Error rate</th>
        ${LAYERS.map((l) => html`<th class="num">${l}</th>`)}
        <th class="num">p50</th>
        <th class="num">p95</th>
        <th class="num">p99</th>
      </tr>
    </thead>
    <tbody>
      ${stats.map(
        (w) =>
          html`<tr>
            <td>${w.window}</td>
            <td class="num">${w.total}</td>
            <td class="num">${percent(w.errorRate)}</td>
            ${LAYERS.map((l) => html`<td class="num">${percent(w.errorRateByLayer[l])}</td>`)}
            <td class="num">${ms(w.latencyMs.total.p50)}</td>
            <td class="num">${ms(w.latencyMs.total.p95)}</td>
            <td class="num">${ms(w.latencyMs.total.p99)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function latencyTable(w: WindowStats): Html {
  const rows = (['total', ...LAYERS] as const).map((l) => {
    const p = w.latencyMs[l];
    return html`<tr>
      <td>${l}</td>
      <td class="num">${ms(p.p50)}</td>
      <td class="num">${ms(p.p95)}</td>
      <td class="num">${ms(p.p99)}</td>
    </tr>`;
  });
  return html`<table>
    <thead>
      <tr>
        <th>Layer (${w.window})</th>
        <th class="num">p50</th>
        <th class="num">p95</th>
        <th class="num">p99</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

export function sloPanel(s: MonitorSummary, now: number): Html {
  const slo = s.slo;
  const exhaustion = slo.projectedExhaustionAt;
  return html`<div class="card" id="slo">
    <h2>SLO</h2>
    <dl class="kv">
      <dt>Target</dt>
      <dd>${slo.target}% over ${span(slo.windowMs)}</dd>
      <dt>Budget</dt>
      <dd>${percent(slo.budget, 3)} of probes may fail</dd>
      <dt>Consumed</dt>
      <dd>${percent(slo.consumed, 1)} of the budget</dd>
      <dt>Remaining</dt>
      <dd><strong>${percent(slo.remainingBudget, 1)}</strong></dd>
      <dt>Exhaustion</dt>
      <dd>
        ${exhaustion === null ? 'not burning' : `${utc(exhaustion)} (${relative(exhaustion, now)}) at the current rate`}
      </dd>
    </dl>
    <table>
      <thead>
        <tr>
          <th>Burn rate</th>
          ${BURN_WINDOWS.map((w) => html`<th class="num">${w}</th>`)}
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>× budget</td>
          ${BURN_WINDOWS.map((w) => {
            const v = slo.burnRates[w];
            return html`<td class="num">${v === null ? '–' : v.toFixed(2)}</td>`;
          })}
        </tr>
      </tbody>
    </table>
    <p class="small muted">
      Fast burn pages at 14.4× over 1 h and 5 m, or 6× over 6 h and 30 m; slow burn warns at 1× over 3 d and 6
      h.
    </p>
  </div>`;
}

export function tlsPanel(s: MonitorSummary, latest: StoredResult | undefined): Html {
  const tls = latest?.result.tls ?? null;
  const days = s.tlsDaysRemaining ?? tls?.daysRemaining ?? null;
  return html`<div class="card" id="tls">
    <h2>TLS</h2>
    ${
      days === null && !tls
        ? html`<p class="muted">No certificate seen (plain HTTP, or not probed yet).</p>`
        : html`<dl class="kv">
            <dt>Expires in</dt>
            <dd>
              <strong class="${days !== null && days < 14 ? 'error' : ''}"
                >${days === null ? '–' : `${Math.floor(days)} days`}</strong
              >
            </dd>
            ${
              tls
                ? html`<dt>Valid to</dt>
                    <dd>${tls.validTo}</dd>
                    <dt>Issuer</dt>
                    <dd>${tls.issuer ?? '–'}</dd>
                    <dt>Subject</dt>
                    <dd>${tls.subject ?? '–'}</dd>`
                : ''
            }
          </dl>`
    }
  </div>`;
}

export function probeLog(
  results: readonly StoredResult[],
  server: ServerConfig,
  now: number,
  nextHref: string | null,
): Html {
  const rows = results.map((row) => {
    const r = publicProbeResult(row.result, server);
    const f = r.failure;
    return html`<tr class="${row.ok ? '' : 'failed'}">
      <td>${utc(row.at)}<br /><span class="small muted">${relative(row.at, now)}</span></td>
      <td>${row.region}</td>
      <td><span class="pill s-${row.ok ? 'up' : 'down'}">${row.ok ? 'ok' : 'failed'}</span></td>
      <td class="num">${ms(r.durationMs)}</td>
      <td>
        ${f ? html`<strong>${f.layer} · ${f.code}</strong>${f.httpStatus ? ` (HTTP ${f.httpStatus})` : ''}<br />${f.message}<br /><span class="small muted">${LIKELY_FIX[f.code]}</span>` : html`<span class="muted">${r.tools ? `${r.tools.count} tools` : ''}</span>`}
      </td>
    </tr>`;
  });
  return html`<table id="probe-log">
      <thead>
        <tr>
          <th>When</th>
          <th>Region</th>
          <th>Result</th>
          <th class="num">Duration</th>
          <th>Failure, and what usually fixes it</th>
        </tr>
      </thead>
      <tbody>
        ${
          rows.length
            ? rows
            : html`<tr>
                <td colspan="5" class="muted">No probes yet.</td>
              </tr>`
        }
      </tbody>
    </table>
    ${nextHref ? html`<p><a href="${nextHref}">Older probes →</a></p>` : ''}`;
}

export function toolSection(
  name: string,
  surfaces: readonly Omit<ToolSurface, 'tools'>[],
  latest: ToolSurface | null,
  diff: SurfaceDiff | null,
): Html {
  if (!latest) return html`<p class="muted">No tool surface recorded yet.</p>`;
  const tools = html`<table>
    <thead>
      <tr>
        <th>Tool</th>
        <th>Description</th>
      </tr>
    </thead>
    <tbody>
      ${latest.tools.map(
        (t) =>
          html`<tr>
            <td><code>${t.name}</code></td>
            <td>${t.title ?? t.description ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
  const diffHtml = diff
    ? html`<h3>
          Drift: surface #${diff.from.id} →
          #${diff.to.id}${diff.breaking ? html` <span class="pill s-down">breaking</span>` : ''}${
            diff.versionUnchanged ? html` <span class="pill s-P3">server version unchanged</span>` : ''
          }
        </h3>
        <ul class="diff">
          ${diff.added.map((t) => html`<li class="diff-add">+ tool <code>${t}</code> added</li>`)}${diff.removed.map(
            (t) => html`<li class="diff-del">− tool <code>${t}</code> removed</li>`,
          )}${diff.changed.map(
            (c) =>
              html`<li class="diff-chg">
                ~ <code>${c.name}</code>
                <ul>
                  ${c.changes.map(
                    (ch) =>
                      html`<li class="${ch.breaking ? 'diff-del' : ''}">
                        ${ch.description}${ch.breaking ? ' (breaking)' : ''}
                      </li>`,
                  )}
                </ul>
              </li>`,
          )}${diff.added.length + diff.removed.length + diff.changed.length === 0 ? html`<li class="muted">no structural change</li>` : ''}
        </ul>`
    : html`<p class="muted">Only one surface seen: no drift.</p>`;
  const history = html`<table>
    <thead>
      <tr>
        <th>#</th>
        <th>First seen</th>
        <th>Server version</th>
        <th>Fingerprint</th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${surfaces.map(
        (s, i) =>
          html`<tr>
            <td>${s.id}</td>
            <td>${utc(s.firstSeenAt)}</td>
            <td>${s.serverVersion ?? '–'}</td>
            <td><code>${s.fingerprint.slice(0, 19)}</code></td>
            <td>
              ${surfaces[i + 1] ? html`<a href="/servers/${name}?from=${surfaces[i + 1]!.id}&amp;to=${s.id}#tools">diff with #${surfaces[i + 1]!.id}</a>` : ''}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
  return html`<p>
      ${latest.tools.length} tools in surface #${latest.id} (server version
      ${latest.serverVersion ?? 'unknown'}).
    </p>
    ${tools}${diffHtml}
    <h3>History</h3>
    ${history}`;
}

export function incidentList(incidents: readonly Incident[]): Html {
  if (!incidents.length) return html`<p class="muted">No incidents.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>Incident</th>
        <th>Severity</th>
        <th>Status</th>
        <th>Opened</th>
        <th>Layer</th>
        <th>Duration</th>
      </tr>
    </thead>
    <tbody>
      ${incidents.map(
        (i) =>
          html`<tr>
            <td><a href="/incidents/${encodeURIComponent(i.id)}">${i.id}</a></td>
            <td><span class="pill s-${i.severity}">${i.severity}</span></td>
            <td>
              <span class="pill s-${i.status}">${i.status}</span
              >${i.acknowledgedAt && i.status !== 'resolved' ? ' · acknowledged' : ''}
            </td>
            <td>${utc(i.openedAt)}</td>
            <td>${i.layer ?? '–'}${i.code ? ` · ${i.code}` : ''}</td>
            <td>${i.resolvedAt ? span(i.resolvedAt - i.openedAt) : 'open'}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function warningList(warnings: readonly Warning[], now: number): Html {
  if (!warnings.length) return html`<p class="muted">No active warnings.</p>`;
  return html`<ul>
    ${warnings.map((w) => html`<li><span class="pill s-P3">P3</span> <strong>${w.rule}</strong>: ${w.message} <span class="muted small">(${relative(w.openedAt, now)})</span></li>`)}
  </ul>`;
}

export function actionsFor(server: ServerConfig, session: Session, csrf: Html): Html {
  if (session.token.scope !== 'admin') return html``;
  const base = `/servers/${server.name}`;
  return html`<div class="actions">
    <form method="post" action="${base}/probe">${csrf}<button type="submit">Probe now</button></form>
    <form method="post" action="${base}/${server.paused ? 'resume' : 'pause'}">
      ${csrf}<button class="secondary" type="submit">
        ${server.paused ? 'Resume probing' : 'Pause probing'}
      </button>
    </form>
  </div>`;
}
