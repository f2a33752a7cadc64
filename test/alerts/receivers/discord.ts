/**
 * A Discord webhook: embeds validated against Discord's documented limits; 204 without `wait`,
 * 200 with the created message when `?wait=true`; 400 with code 50035 "Invalid Form Body".
 */
import { randomInt } from 'node:crypto';
import { Checks, jsonPost, json, startReceiver, type Receiver } from './server.js';

export async function startDiscordReceiver(): Promise<Receiver> {
  return startReceiver((req) => {
    const c = new Checks();
    const body = jsonPost(req, c);
    let total = 0;
    if (c.obj(body, 'body')) {
      c.only(
        body,
        ['content', 'username', 'avatar_url', 'tts', 'embeds', 'allowed_mentions', 'flags', 'thread_name'],
        'body',
      );
      c.check(body.content !== undefined || body.embeds !== undefined, 'content or embeds is required');
      c.str(body.content, 'content', { max: 2000 });
      c.str(body.username, 'username', { max: 80 });
      if (c.arr(body.embeds, 'embeds', { max: 10 })) {
        body.embeds.forEach((e, i) => {
          const p = `embeds[${i}]`;
          if (!c.obj(e, p)) return;
          c.only(
            e,
            [
              'title',
              'type',
              'description',
              'url',
              'timestamp',
              'color',
              'footer',
              'image',
              'thumbnail',
              'author',
              'fields',
            ],
            p,
          );
          if (c.str(e.title, `${p}.title`, { max: 256 })) total += e.title.length;
          if (c.str(e.description, `${p}.description`, { max: 4096 })) total += e.description.length;
          if (e.url !== undefined) c.url(e.url, `${p}.url`);
          if (e.timestamp !== undefined) c.isoTime(e.timestamp, `${p}.timestamp`);
          if (e.color !== undefined)
            c.check(
              Number.isInteger(e.color) && (e.color as number) >= 0 && (e.color as number) <= 0xffffff,
              `${p}.color must be an integer colour`,
            );
          if (
            c.obj(e.footer, `${p}.footer`, false) &&
            c.str(e.footer.text, `${p}.footer.text`, { required: true, max: 2048 })
          )
            total += e.footer.text.length;
          if (c.arr(e.fields, `${p}.fields`, { max: 25 })) {
            e.fields.forEach((f, j) => {
              const fp = `${p}.fields[${j}]`;
              if (!c.obj(f, fp)) return;
              if (c.str(f.name, `${fp}.name`, { required: true, max: 256 })) total += f.name.length;
              if (c.str(f.value, `${fp}.value`, { required: true, max: 1024 })) total += f.value.length;
              if (f.inline !== undefined)
                c.check(typeof f.inline === 'boolean', `${fp}.inline must be a boolean`);
            });
          }
        });
      }
      c.check(total <= 6000, 'embeds hold more than 6000 characters');
    }
    if (c.problems.length) {
      return {
        answer: json(400, { code: 50035, message: 'Invalid Form Body', errors: c.problems }),
        problems: c.problems,
      };
    }
    if (req.query.get('wait') === 'true') {
      return {
        answer: json(200, { id: String(randomInt(1e9, 2e9)), type: 0, channel_id: '1', webhook_id: '2' }),
        problems: [],
      };
    }
    return { answer: { status: 204 }, problems: [] };
  });
}
