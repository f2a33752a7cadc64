/**
 * Microsoft Teams through a Workflows webhook ("post to a channel when a webhook request is
 * received"): a message whose single attachment is an Adaptive Card 1.4 with the headline in a
 * coloured container, the facts as a FactSet and the links as Action.OpenUrl buttons. Remote text is
 * markdown-escaped: Adaptive Card TextBlocks and facts render links, emphasis and lists.
 */
import type { ChannelConfig } from '../../config/types.js';
import type { Channel, Notification } from '../channel.js';
import { jsonWebhookChannel } from '../http.js';
import { Settings } from '../settings.js';
import { digestLines, facts, formatTime, headline, links, markdownEscape } from '../text.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

function containerStyle(n: Notification): string {
  if (n.kind === 'resolve') return 'good';
  if (n.kind === 'acknowledge') return 'accent';
  if (n.kind === 'test' || n.kind === 'digest') return 'emphasis';
  return n.severity === 'P1' ? 'attention' : 'warning';
}

export function adaptiveCard(n: Notification, now: number): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    {
      type: 'Container',
      style: containerStyle(n),
      bleed: true,
      items: [
        {
          type: 'TextBlock',
          text: headline(n, { emoji: true, escape: markdownEscape }),
          weight: 'Bolder',
          size: 'Medium',
          wrap: true,
        },
      ],
    },
  ];
  if (n.kind === 'digest') {
    body.push({ type: 'TextBlock', text: digestLines(n, markdownEscape).join('\n\n'), wrap: true });
  } else {
    body.push({
      type: 'FactSet',
      facts: facts(n, now, markdownEscape).map((f) => ({ title: f.label, value: f.value })),
    });
  }
  body.push({
    type: 'TextBlock',
    text: `mcpwatch${n.incidentId ? ` · incident ${n.incidentId}` : ''} · ${formatTime(n.createdAt)}`,
    isSubtle: true,
    size: 'Small',
    wrap: true,
  });
  const actions = links(n).map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url }));
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body,
    ...(actions.length ? { actions } : {}),
  };
}

export function teamsMessage(n: Notification, now: number): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      { contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: adaptiveCard(n, now) },
    ],
  };
}

export function createTeamsChannel(cfg: ChannelConfig): Channel {
  return jsonWebhookChannel(cfg.name, 'teams', new Settings(cfg).url('url'), teamsMessage);
}
