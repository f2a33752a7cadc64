/** The dashboard's page frame: header with navigation and logout, one stylesheet, one script. */
import type { Session } from '../auth/sessions.js';
import { CSS_PATH, JS_PATH } from '../assets.js';
import { html, type Html, type HtmlValue } from '../html/escape.js';

export interface PageOptions {
  title: string;
  session: Session | null;
  body: HtmlValue;
  /** Seconds between automatic reloads (overview only: pages with forms never reload). */
  refresh?: number;
}

export function csrfField(session: Session): Html {
  return html`<input type="hidden" name="_csrf" value="${session.csrf}" />`;
}

export function page(o: PageOptions): Html {
  const s = o.session;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${o.refresh ? html`<meta http-equiv="refresh" content="${o.refresh}" />` : ''}
        <title>${o.title} · mcpwatch</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="${CSS_PATH}" />
        <script src="${JS_PATH}" defer></script>
      </head>
      <body>
        <header class="top">
          <strong><a href="/">mcpwatch</a></strong>
          ${
            s
              ? html`<nav><a href="/">Servers</a><a href="/incidents">Incidents</a></nav>
                  <span class="small">${s.token.name} (${s.token.scope})</span>
                  <form method="post" action="/logout">
                    ${csrfField(s)}<button class="secondary" type="submit">Log out</button>
                  </form>`
              : ''
          }
        </header>
        <main>${o.body}</main>
      </body>
    </html>`;
}
