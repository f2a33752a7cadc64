/** A minimal HTML page for refused requests from a browser (same facts as the problem+json body). */
import { html, type Html } from './escape.js';
import { CSS_PATH } from '../assets.js';

export function errorPage(status: number, title: string, detail: string): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${status} ${title} · mcpwatch</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="${CSS_PATH}" />
      </head>
      <body>
        <main class="narrow">
          <h1>${status} · ${title}</h1>
          <p>${detail}</p>
          <p><a href="/">Back to the dashboard</a></p>
        </main>
      </body>
    </html>`;
}
