/**
 * The instances sharing the store (several `serve` on one PostgreSQL), for /healthz (JSON) and the
 * dashboard's overview (a table): each instance, whether it is alive, when it last beat, and which
 * servers it holds. /healthz is unauthenticated, so it leaves out addresses and process ids.
 */
import { html, join, type Html } from './html/escape.js';
import { relative } from './html/format.js';
import type { ClusterSummary } from '../monitor/monitor-view.js';

export function clusterHealth(c: ClusterSummary) {
  return {
    unheld: c.unheld,
    members: c.instances.map((i) => ({
      id: i.id,
      self: i.id === c.self,
      alive: i.alive,
      lastHeartbeat: new Date(i.heartbeatAt).toISOString(),
      leases: i.leases,
    })),
  };
}

export function clusterSection(c: ClusterSummary, now: number): Html {
  const rows = join(
    c.instances.map(
      (i) =>
        html`<tr data-instance="${i.id}">
          <td>${i.id}${i.id === c.self ? html` <span class="pill s-up">this one</span>` : ''}</td>
          <td><span class="pill s-${i.alive ? 'up' : 'down'}">${i.alive ? 'alive' : 'dead'}</span></td>
          <td>${relative(i.heartbeatAt, now)}</td>
          <td>${i.url === null ? '–' : html`<a href="${i.url}/">${i.url}</a>`}</td>
          <td class="num">${i.leases.length}</td>
          <td>${i.leases.join(', ')}</td>
        </tr>`,
    ),
  );
  return html`<h2>Instances</h2>
    <p>
      ${c.instances.filter((i) => i.alive).length} live instances share this store;
      ${c.unheld.length === 0 ? 'every server is held' : `not held right now: ${c.unheld.join(', ')}`}.
    </p>
    <table id="instances">
      <thead>
        <tr>
          <th>Instance</th>
          <th>State</th>
          <th>Last heartbeat</th>
          <th>Web</th>
          <th class="num">Leases</th>
          <th>Servers</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}
