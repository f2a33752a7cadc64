/** The server page's Regions table: each region's last result, last-hour error rate and latency, agent. */
import { html, type Html } from '../html/escape.js';
import { ms, percent, relative } from '../html/format.js';
import type { RegionRow } from '../regions.js';

export function regionsTable(rows: readonly RegionRow[], now: number): Html {
  return html`<table>
    <thead>
      <tr>
        <th>Region</th>
        <th>Last result</th>
        <th>Failure</th>
        <th class="num">Probes (1h)</th>
        <th class="num">Error rate (1h)</th>
        <th class="num">p50 (1h)</th>
        <th class="num">p95 (1h)</th>
        <th>Prober</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <td>${r.region}</td>
            <td>
              ${
                r.last
                  ? html`<span class="pill s-${r.last.ok ? 'up' : 'down'}"
                        >${r.last.ok ? 'ok' : 'failed'}</span
                      >
                      ${relative(r.last.at, now)} · ${ms(r.last.durationMs)}`
                  : html`<span class="muted">none yet</span>`
              }
            </td>
            <td>${r.last?.failure ? `${r.last.failure.layer} / ${r.last.failure.code}` : ''}</td>
            <td class="num">${String(r.lastHour.probes)}</td>
            <td class="num">${percent(r.lastHour.errorRate)}</td>
            <td class="num">${ms(r.lastHour.p50)}</td>
            <td class="num">${ms(r.lastHour.p95)}</td>
            <td>
              ${
                r.agent === null
                  ? 'this hub'
                  : r.agent.online
                    ? html`agent online`
                    : html`<strong>agent offline</strong
                        >${r.agent.lastSeenAt !== null ? html` (last call ${relative(r.agent.lastSeenAt, now)})` : ''}`
              }
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
