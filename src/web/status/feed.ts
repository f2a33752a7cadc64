/** The Atom feed (RFC 4287) of a status page's incidents: one entry per incident, updated with it. */
import { escapeHtml, html } from '../html/escape.js';
import { iso, utc } from '../html/format.js';
import { POSTMORTEM_FIELDS, POSTMORTEM_LABELS } from '../postmortem.js';
import type { StatusModel } from './model.js';
import { STATUS_LABEL } from './page.js';
import { publicName, publicUpdates } from './updates.js';

export function atomFeed(m: StatusModel): string {
  const x = escapeHtml;
  const feedUpdated = Math.max(
    m.updatedAt,
    ...m.incidents.map((i) => publicUpdates(i).at(-1)?.at ?? i.openedAt),
  );
  const entries = m.incidents.map((i) => {
    const list = publicUpdates(i);
    const link = `${m.url}#incident-${encodeURIComponent(i.id)}`;
    const pm = m.postmortems.get(i.id);
    const content = html`<ul>
        ${list
          .slice()
          .reverse()
          .map((u) => html`<li><strong>${STATUS_LABEL[u.status]}</strong> (${utc(u.at)}): ${u.body}</li>`)}
      </ul>
      ${
        pm
          ? html`<h3>Postmortem</h3>
              <dl>
                ${POSTMORTEM_FIELDS.map(
                  (f) =>
                    html`<dt>${POSTMORTEM_LABELS[f]}</dt>
                      <dd>${pm[f]}</dd>`,
                )}
              </dl>`
          : ''
      }`;
    return `  <entry>
    <id>${x(link)}</id>
    <title>${x(`${publicName(i)}: ${STATUS_LABEL[i.status]}`)}</title>
    <updated>${iso(list.at(-1)?.at ?? i.openedAt)}</updated>
    <published>${iso(i.openedAt)}</published>
    <link rel="alternate" type="text/html" href="${x(link)}"/>
    <content type="html">${x(content.text)}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${x(m.url)}</id>
  <title>${x(`${m.page.title}: incidents`)}</title>
  <updated>${iso(feedUpdated)}</updated>
  <link rel="self" type="application/atom+xml" href="${x(`${m.url}/feed.atom`)}"/>
  <link rel="alternate" type="text/html" href="${x(m.url)}"/>
  <author><name>${x(m.page.title)}</name></author>
  <generator>mcpwatch</generator>
${entries.join('\n')}
</feed>
`;
}
