/**
 * Remote text (the probe's failure message, warning messages in digests) cannot bring its own markup
 * into chat receivers: a markdown link in it stays literal text on Discord and Teams (Slack's &, <, >
 * already are), and bidi controls (U+202A–202E, U+2066–2069) are shown as visible [U+202E] markers in
 * every human-facing rendering (markdown-escaped themselves where the channel needs it, so a
 * control followed by "(url)" cannot become a link).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { discordMessage } from '../../src/alerts/channels/discord.js';
import { slackMessage } from '../../src/alerts/channels/slack.js';
import { adaptiveCard } from '../../src/alerts/channels/teams.js';
import { htmlText, plainText, shortText } from '../../src/alerts/text.js';
import { MIN, T0, notification } from './fixtures.js';

const PHISH = 'bad gateway [Acknowledge now](https://evil.example/phish) **act fast** `x` <@&123>';
const BIDI = 'invoice\u202efdp.exe \u2066x\u2069';
const n = notification({
  failure: { layer: 'http', step: 'HTTP exchange', code: 'status_5xx', message: `${PHISH} ${BIDI}` },
});
const digest = notification({
  kind: 'digest',
  severity: 'P3',
  server: null,
  incidentId: null,
  failure: null,
  digest: {
    from: T0 - 7 * 24 * 60 * MIN,
    to: T0,
    warnings: [
      {
        server: 'docs-search',
        rule: 'schema_changed',
        message: `tool [click](https://evil.example/x) changed ${BIDI}`,
        openedAt: T0 - 60 * MIN,
        clearedAt: null,
      },
    ],
    postmortems: [],
  },
});

/** Every string in a payload. */
const strings = (v: unknown): string[] =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(strings)
      : v && typeof v === 'object'
        ? Object.values(v).flatMap(strings)
        : [];

/** A markdown link or emphasis that a CommonMark-like renderer would act on (not backslash-escaped). */
const ACTIVE_MARKDOWN = /(?<!\\)\[[^\]]*(?<!\\)\]\((?!http:\/\/localhost)|(?<!\\)\*\*act|(?<!\\)`x|(?<!\\)<@/;
const RAW_BIDI = /[\u202a-\u202e\u2066-\u2069]/;

describe('remote text in chat receivers', () => {
  test('Discord: the failure message is markdown-escaped, our links stay links', () => {
    const msg = discordMessage(n, T0 + MIN, 'mcpwatch');
    const embed = (msg.embeds as Record<string, unknown>[])[0]!;
    const error = (embed.fields as { name: string; value: string }[]).find((f) => f.name === 'Error')!;
    assert.equal(
      error.value,
      String.raw`status_5xx — bad gateway \[Acknowledge now\]\(https://evil.example/phish\) \*\*act fast\*\* \`x\` \<@&123> invoice\[U+202E\]fdp.exe \[U+2066\]x\[U+2069\]`,
    );
    for (const s of strings(msg)) {
      assert.doesNotMatch(s, ACTIVE_MARKDOWN);
      assert.doesNotMatch(s, RAW_BIDI);
    }
    assert.match(String(embed.description), /^\[Acknowledge\]\(http:\/\/localhost:8080\/ack\//);
  });

  test('Discord digest: warning messages are escaped too', () => {
    const text = strings(discordMessage(digest, T0, 'mcpwatch')).join('\n');
    assert.ok(
      text.includes(String.raw`tool \[click\]\(https://evil.example/x\) changed invoice\[U+202E\]`),
      text,
    );
  });

  test('Teams: facts and digest text are markdown-escaped; actions keep our URLs', () => {
    const card = adaptiveCard(n, T0 + MIN);
    const facts = (card.body as { type: string; facts?: { title: string; value: string }[] }[]).find(
      (b) => b.type === 'FactSet',
    )!.facts!;
    assert.equal(
      facts.find((f) => f.title === 'Error')!.value,
      String.raw`status_5xx — bad gateway \[Acknowledge now\]\(https://evil.example/phish\) \*\*act fast\*\* \`x\` \<@&123> invoice\[U+202E\]fdp.exe \[U+2066\]x\[U+2069\]`,
    );
    for (const s of strings(card)) {
      assert.doesNotMatch(s, ACTIVE_MARKDOWN);
      assert.doesNotMatch(s, RAW_BIDI);
    }
    const digestText = strings(adaptiveCard(digest, T0)).join('\n');
    assert.ok(digestText.includes(String.raw`tool \[click\]\(https://evil.example/x\)`), digestText);
    assert.deepEqual(
      (card.actions as { url: string }[]).map((a) => a.url),
      [
        'http://localhost:8080/ack/v1.aW5jLTE.1736758800.abc',
        'http://localhost:8080/incidents/inc-1',
        'http://localhost:8080/status/public',
      ],
    );
  });

  test('Slack, email, SMS and plain text show bidi controls as markers', () => {
    for (const [name, out] of [
      ['slack', strings(slackMessage(n, T0 + MIN)).join('\n')],
      ['plain', plainText(n, T0 + MIN)],
      ['html', htmlText(n, T0 + MIN)],
      ['sms', shortText(notification({ server: 'docs\u202esearch' }), T0 + MIN)],
      ['digest', plainText(digest, T0)],
    ] as const) {
      assert.doesNotMatch(out, RAW_BIDI, name);
      assert.match(out, /\[U\+202E]|\\\[U\+202E\\]/, name);
    }
  });
});
