/**
 * A Slack incoming webhook: JSON with `text` and/or Block Kit `blocks`, validated against Block Kit
 * limits; answers 200 "ok", or 400 "invalid_blocks" / "invalid_payload" / "no_text" like Slack.
 */
import { Checks, jsonPost, startReceiver, text, type Receiver } from './server.js';

function plainText(c: Checks, v: unknown, path: string, max: number): void {
  if (c.obj(v, path)) {
    c.oneOf(v.type, ['plain_text'], `${path}.type`);
    c.str(v.text, `${path}.text`, { required: true, max });
  }
}

function textObject(c: Checks, v: unknown, path: string, max: number): void {
  if (c.obj(v, path)) {
    c.oneOf(v.type, ['plain_text', 'mrkdwn'], `${path}.type`);
    c.str(v.text, `${path}.text`, { required: true, max });
  }
}

function checkBlock(c: Checks, b: unknown, path: string, actionIds: Set<string>): void {
  if (!c.obj(b, path)) return;
  switch (b.type) {
    case 'header':
      c.only(b, ['type', 'text', 'block_id'], path);
      plainText(c, b.text, `${path}.text`, 150);
      break;
    case 'section':
      c.only(b, ['type', 'text', 'fields', 'block_id', 'accessory'], path);
      c.check(b.text !== undefined || b.fields !== undefined, `${path} needs text or fields`);
      if (b.text !== undefined) textObject(c, b.text, `${path}.text`, 3000);
      if (c.arr(b.fields, `${path}.fields`, { max: 10 }))
        b.fields.forEach((f, i) => textObject(c, f, `${path}.fields[${i}]`, 2000));
      break;
    case 'actions':
      c.only(b, ['type', 'elements', 'block_id'], path);
      if (c.arr(b.elements, `${path}.elements`, { max: 25, required: true })) {
        b.elements.forEach((e, i) => {
          const p = `${path}.elements[${i}]`;
          if (!c.obj(e, p)) return;
          c.oneOf(e.type, ['button'], `${p}.type`);
          c.only(e, ['type', 'text', 'url', 'action_id', 'value', 'style'], p);
          plainText(c, e.text, `${p}.text`, 75);
          if (e.url !== undefined) c.url(e.url, `${p}.url`);
          if (c.str(e.action_id, `${p}.action_id`, { max: 255 })) {
            c.check(!actionIds.has(e.action_id), `${p}.action_id is not unique`);
            actionIds.add(e.action_id);
          }
          if (e.style !== undefined) c.oneOf(e.style, ['primary', 'danger'], `${p}.style`);
        });
      }
      break;
    case 'context':
      c.only(b, ['type', 'elements', 'block_id'], path);
      if (c.arr(b.elements, `${path}.elements`, { max: 10, required: true })) {
        b.elements.forEach((e, i) => textObject(c, e, `${path}.elements[${i}]`, 3000));
      }
      break;
    case 'divider':
      break;
    default:
      c.problems.push(`${path}.type ${String(b.type)} is not a block this test knows`);
  }
}

export async function startSlackReceiver(): Promise<Receiver> {
  return startReceiver((req) => {
    const c = new Checks();
    const body = jsonPost(req, c);
    if (!c.obj(body, 'body')) return { answer: text(400, 'invalid_payload'), problems: c.problems };
    c.only(
      body,
      ['text', 'blocks', 'attachments', 'thread_ts', 'mrkdwn', 'unfurl_links', 'unfurl_media'],
      'body',
    );
    if (body.text === undefined && body.blocks === undefined)
      return { answer: text(400, 'no_text'), problems: ['no text'] };
    c.str(body.text, 'text', { max: 40000 });
    const before = c.problems.length;
    const ids = new Set<string>();
    if (c.arr(body.blocks, 'blocks', { max: 50 }))
      body.blocks.forEach((b, i) => checkBlock(c, b, `blocks[${i}]`, ids));
    if (c.problems.length > before) return { answer: text(400, 'invalid_blocks'), problems: c.problems };
    return {
      answer: c.problems.length ? text(400, 'invalid_payload') : text(200, 'ok'),
      problems: c.problems,
    };
  });
}
