/**
 * SMS through Twilio's Messages API: POST /2010-04-01/Accounts/{AccountSid}/Messages.json,
 * form-encoded To/From/Body, HTTP Basic auth with the account SID and auth token. Twilio takes one
 * recipient per request, so a channel with several numbers sends one request each, in order; the
 * numbers already texted for a message are remembered (in memory, and in the store through the
 * worker's recipient log, alerts/recipient-log.ts), so a retry, even after a restart, texts only the
 * ones that did not get it.
 */
import type { ChannelConfig } from '../../config/types.js';
import type { Channel, DeliveryOutcome, Notification, SendContext } from '../channel.js';
import { deliverHttp } from '../http.js';
import { ChannelConfigError, Settings } from '../settings.js';
import { shortText } from '../text.js';

export const TWILIO_BASE = 'https://api.twilio.com';
const E164 = /^\+[1-9]\d{6,14}$/;
/** Messages whose partial progress is remembered (oldest forgotten first). */
const PROGRESS_MEMORY = 1_000;

export interface SmsSettings {
  accountSid: string;
  authToken: string;
  from: string;
  to: string[];
  base: string;
}

export function readSmsSettings(cfg: ChannelConfig): SmsSettings {
  const s = new Settings(cfg);
  const accountSid = s.string('accountSid');
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid))
    throw new ChannelConfigError(cfg.name, 'accountSid', 'must be AC followed by 32 hex digits');
  const from = s.string('from');
  if (!E164.test(from) && !/^MG[0-9a-fA-F]{32}$/.test(from)) {
    throw new ChannelConfigError(
      cfg.name,
      'from',
      'must be a phone number in E.164 form (+15551234567) or a Messaging Service SID (MG…)',
    );
  }
  const to = s.list('to');
  if (!to.every((x) => E164.test(x)))
    throw new ChannelConfigError(cfg.name, 'to', 'must be phone numbers in E.164 form (+15551234567)');
  return {
    accountSid,
    authToken: s.string('authToken'),
    from,
    to,
    base: s.url('url', TWILIO_BASE).replace(/\/+$/, ''),
  };
}

export function smsForm(n: Notification, from: string, to: string, now: number): URLSearchParams {
  const form = new URLSearchParams();
  form.set('To', to);
  form.set(from.startsWith('MG') ? 'MessagingServiceSid' : 'From', from);
  form.set('Body', shortText(n, now, 320));
  return form;
}

export function createSmsChannel(cfg: ChannelConfig): Channel {
  const s = readSmsSettings(cfg);
  const url = `${s.base}/2010-04-01/Accounts/${s.accountSid}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`;
  const hidden = [s.authToken, auth.slice(6)];
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: auth,
    accept: 'application/json',
  };
  const done = new Map<string, Set<string>>();

  const sendOne = (n: Notification, to: string, ctx: SendContext): Promise<DeliveryOutcome> =>
    deliverHttp(
      { url, headers, body: smsForm(n, s.from, to, ctx.now).toString(), signal: ctx.signal },
      ctx.now,
      hidden,
      (ans, outcome) => {
        if (!outcome.ok) return outcome;
        try {
          const parsed = JSON.parse(ans.body) as { sid?: unknown };
          return typeof parsed.sid === 'string' ? { ...outcome, receiverId: parsed.sid } : outcome;
        } catch {
          return outcome;
        }
      },
    );

  return {
    name: cfg.name,
    type: 'sms',
    async send(n: Notification, ctx: SendContext): Promise<DeliveryOutcome> {
      if (n.kind === 'digest')
        return { ok: false, retryable: false, error: 'sms channels do not take digests' };
      const texted = new Set([
        ...(done.get(ctx.messageId) ?? []),
        ...((await ctx.recipients?.delivered()) ?? []),
      ]);
      const ids: string[] = [];
      const answers: string[] = [];
      let last: DeliveryOutcome | null = null;
      for (const to of s.to) {
        if (texted.has(to)) continue;
        last = await sendOne(n, to, ctx);
        if (!last.ok) {
          if (texted.size) {
            done.set(ctx.messageId, texted);
            if (done.size > PROGRESS_MEMORY) done.delete(done.keys().next().value as string);
          }
          return s.to.length > 1
            ? { ...last, error: `to recipient ${s.to.indexOf(to) + 1} of ${s.to.length}: ${last.error}` }
            : last;
        }
        texted.add(to);
        await ctx.recipients?.record(to);
        if (last.receiverId) ids.push(last.receiverId);
        if (last.answer) answers.push(last.answer);
      }
      done.delete(ctx.messageId);
      return {
        ok: true,
        status: last?.ok ? last.status : 201,
        ...(ids.length ? { receiverId: ids.join(',') } : {}),
        ...(answers.length ? { answer: answers.join('\n') } : {}),
      };
    },
  };
}
