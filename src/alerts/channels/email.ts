/**
 * Email over SMTP (nodemailer): a text part and an HTML part with the same facts, a subject that is
 * the headline, and References that thread every message of one incident together.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ChannelConfig } from '../../config/types.js';
import type { Channel, DeliveryOutcome, Notification, SendContext } from '../channel.js';
import { cleanError } from '../redact.js';
import { ChannelConfigError, Settings } from '../settings.js';
import { headline, htmlText, plainText } from '../text.js';

export interface EmailSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  pass: string | null;
  from: string;
  to: string[];
}

/** `to`, `from`, and `smtp: { host, port (587), secure (false: STARTTLS when offered), user, pass }`. */
export function readEmailSettings(cfg: ChannelConfig): EmailSettings {
  const s = new Settings(cfg);
  const rawSmtp = cfg.settings.smtp;
  if (typeof rawSmtp !== 'object' || rawSmtp === null || Array.isArray(rawSmtp)) {
    throw new ChannelConfigError(cfg.name, 'smtp', 'is required: { host, port, secure, user, pass }');
  }
  const smtp = new Settings({
    ...cfg,
    name: `${cfg.name}.smtp`,
    settings: rawSmtp as Record<string, unknown>,
  });
  const port = smtp.number('port', 587);
  return {
    host: smtp.string('host'),
    port,
    secure: smtp.boolean('secure', port === 465),
    user: smtp.string('user', null),
    pass: smtp.string('pass', null),
    from: s.string('from'),
    to: s.list('to'),
  };
}

function domainOf(address: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address);
  return m?.[1] ?? 'mcpwatch.local';
}

const digest = (s: string): string => createHash('sha256').update(s).digest('base64url').slice(0, 22);

export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  references?: string;
  inReplyTo?: string;
  priority: 'high' | 'normal' | 'low';
  headers: Record<string, string>;
}

export function emailMessage(
  n: Notification,
  s: EmailSettings,
  messageId: string,
  now: number,
): EmailMessage {
  const domain = domainOf(s.from);
  const thread = n.incidentId ? `<incident.${digest(n.incidentId)}@${domain}>` : undefined;
  const headers: Record<string, string> = { 'X-Mcpwatch-Kind': n.kind, 'X-Mcpwatch-Severity': n.severity };
  if (n.incidentId) headers['X-Mcpwatch-Incident'] = n.incidentId;
  if (n.server) headers['X-Mcpwatch-Server'] = n.server;
  return {
    from: s.from,
    to: s.to,
    subject: `[mcpwatch] ${headline(n)}`,
    text: plainText(n, now),
    html: htmlText(n, now),
    messageId: `<${digest(messageId)}@${domain}>`,
    ...(thread ? { references: thread, inReplyTo: thread } : {}),
    priority: (n.kind === 'trigger' || n.kind === 'escalate') && n.severity === 'P1' ? 'high' : 'normal',
    headers,
  };
}

function smtpOutcome(err: unknown, signal: AbortSignal, secrets: readonly string[]): DeliveryOutcome {
  if (signal.aborted) return { ok: false, retryable: true, error: 'timed out waiting for the SMTP server' };
  const e = err as { code?: unknown; responseCode?: unknown; message?: unknown };
  const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const error = cleanError(
    `${typeof e.code === 'string' ? `${e.code}: ` : ''}${typeof e.message === 'string' ? e.message : String(err)}`,
    secrets,
  );
  // SMTP: 4xx is transient, 5xx permanent; no reply code means the connection failed (transient).
  if (status !== undefined) return { ok: false, retryable: status < 500, status, error };
  return { ok: false, retryable: e.code !== 'EAUTH', error };
}

export function createEmailChannel(cfg: ChannelConfig): Channel {
  const s = readEmailSettings(cfg);
  const hidden = [s.pass, s.user].filter((x): x is string => x !== null);
  return {
    name: cfg.name,
    type: 'email',
    async send(n: Notification, ctx: SendContext): Promise<DeliveryOutcome> {
      const transport = nodemailer.createTransport({
        host: s.host,
        port: s.port,
        secure: s.secure,
        ...(s.user !== null ? { auth: { user: s.user, pass: s.pass ?? '' } } : {}),
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      });
      let stop = (): void => {};
      const aborted = new Promise<never>((_, reject) => {
        stop = () => reject(new Error('aborted'));
        if (ctx.signal.aborted) stop();
        else ctx.signal.addEventListener('abort', stop, { once: true });
      });
      aborted.catch(() => {});
      try {
        const info = await Promise.race([
          transport.sendMail(emailMessage(n, s, ctx.messageId, ctx.now)),
          aborted,
        ]);
        const code = /^(\d{3})/.exec(info.response)?.[1];
        // Some recipients refused, others took it: delivered (a retry would repeat it to the others).
        const refused = info.rejected.length
          ? ` (refused by ${info.rejected.length} of ${s.to.length} recipients)`
          : '';
        return {
          ok: true,
          status: code ? Number(code) : 250,
          receiverId: info.messageId,
          answer: cleanError(info.response + refused, hidden, 500),
        };
      } catch (err) {
        return smtpOutcome(err, ctx.signal, hidden);
      } finally {
        ctx.signal.removeEventListener('abort', stop);
        transport.close();
      }
    },
  };
}
