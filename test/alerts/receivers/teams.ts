/**
 * A Teams Workflows webhook ("when a Teams webhook request is received"): a message with Adaptive
 * Card attachments, each card checked for type, version (1.4 or later, as Teams renders up to 1.5)
 * and the elements mcpwatch uses. Answers 202 Accepted.
 */
import { Checks, jsonPost, json, startReceiver, type Receiver } from './server.js';

function checkElement(c: Checks, e: unknown, path: string): void {
  if (!c.obj(e, path)) return;
  switch (e.type) {
    case 'TextBlock':
      c.str(e.text, `${path}.text`, { required: true });
      if (e.weight !== undefined) c.oneOf(e.weight, ['Default', 'Lighter', 'Bolder'], `${path}.weight`);
      if (e.size !== undefined)
        c.oneOf(e.size, ['Default', 'Small', 'Medium', 'Large', 'ExtraLarge'], `${path}.size`);
      break;
    case 'FactSet':
      if (c.arr(e.facts, `${path}.facts`, { required: true })) {
        e.facts.forEach((f, i) => {
          if (c.obj(f, `${path}.facts[${i}]`)) {
            c.only(f, ['title', 'value'], `${path}.facts[${i}]`);
            c.str(f.title, `${path}.facts[${i}].title`, { required: true });
            c.str(f.value, `${path}.facts[${i}].value`, { required: true });
          }
        });
      }
      break;
    case 'Container':
      if (e.style !== undefined)
        c.oneOf(e.style, ['default', 'emphasis', 'good', 'attention', 'warning', 'accent'], `${path}.style`);
      if (c.arr(e.items, `${path}.items`, { required: true }))
        e.items.forEach((x, i) => checkElement(c, x, `${path}.items[${i}]`));
      break;
    default:
      c.problems.push(`${path}.type ${String(e.type)} is not an element this test knows`);
  }
}

export async function startTeamsReceiver(): Promise<Receiver> {
  return startReceiver((req) => {
    const c = new Checks();
    const body = jsonPost(req, c);
    if (c.obj(body, 'body')) {
      c.check(body.type === 'message', 'type must be "message"');
      if (c.arr(body.attachments, 'attachments', { required: true })) {
        c.check(body.attachments.length >= 1, 'attachments must not be empty');
        body.attachments.forEach((a, i) => {
          const p = `attachments[${i}]`;
          if (!c.obj(a, p)) return;
          c.check(
            a.contentType === 'application/vnd.microsoft.card.adaptive',
            `${p}.contentType must be application/vnd.microsoft.card.adaptive`,
          );
          const card = a.content;
          if (!c.obj(card, `${p}.content`)) return;
          c.check(card.type === 'AdaptiveCard', `${p}.content.type must be AdaptiveCard`);
          c.check(
            typeof card.version === 'string' && ['1.4', '1.5'].includes(card.version),
            `${p}.content.version must be 1.4 or 1.5`,
          );
          if (c.arr(card.body, `${p}.content.body`, { required: true }))
            card.body.forEach((e, j) => checkElement(c, e, `${p}.content.body[${j}]`));
          if (c.arr(card.actions, `${p}.content.actions`)) {
            card.actions.forEach((x, j) => {
              const ap = `${p}.content.actions[${j}]`;
              if (!c.obj(x, ap)) return;
              c.oneOf(x.type, ['Action.OpenUrl'], `${ap}.type`);
              c.str(x.title, `${ap}.title`, { required: true });
              c.url(x.url, `${ap}.url`);
            });
          }
        });
      }
    }
    const answer = c.problems.length
      ? json(400, { error: { code: 'InvalidRequestContent', message: c.problems.join('; ') } })
      : { status: 202 };
    return { answer, problems: c.problems };
  });
}
