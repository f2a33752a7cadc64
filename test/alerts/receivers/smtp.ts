/**
 * A real SMTP server on loopback (the `smtp-server` package) with AUTH PLAIN/LOGIN, and a small MIME
 * reader for what it receives: headers, and the decoded text/plain and text/html parts.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user: string | null;
}

export interface SmtpReceiver {
  port: number;
  mails: ReceivedMail[];
  /** Reply to the next RCPT TO with this SMTP error (e.g. 450 or 550). */
  rejectNextRecipient(code: number, message: string): void;
  close(): Promise<void>;
}

export async function startSmtpReceiver(user: string, pass: string): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  let rcptError: { code: number; message: string } | null = null;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, cb) {
      if (rcptError) {
        const e = rcptError;
        rcptError = null;
        cb(Object.assign(new Error(e.message), { responseCode: e.code }));
      } else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        mails.push({
          from,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : null,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    rejectNextRecipient: (code, message) => {
      rcptError = { code, message };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface MimePart {
  headers: Map<string, string>;
  body: string;
}

function splitHeaders(text: string): { headers: Map<string, string>; body: string } {
  const idx = text.search(/\r?\n\r?\n/);
  const head = idx < 0 ? text : text.slice(0, idx);
  const body = idx < 0 ? '' : text.slice(idx).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const soft = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const ch = soft[i] ?? '';
    const hex = soft.slice(i + 1, i + 3);
    if (ch === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(part: MimePart): string {
  const enc = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') return decodeQuotedPrintable(part.body);
  return part.body;
}

/** RFC 2047 encoded-words in a header ("=?UTF-8?Q?…?=" / "=?UTF-8?B?…?="). */
export function decodeHeader(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

/** Top-level headers and every leaf part (recursing into multiparts), decoded. */
export function parseMail(raw: string): {
  headers: Map<string, string>;
  parts: { type: string; text: string }[];
} {
  const top = splitHeaders(raw);
  const parts: { type: string; text: string }[] = [];
  const walk = (p: MimePart): void => {
    const type = p.headers.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (type.toLowerCase().startsWith('multipart/') && boundary) {
      const sections = p.body.split(`--${boundary}`).slice(1);
      for (const s of sections) {
        if (s.startsWith('--')) break;
        walk(splitHeaders(s.replace(/^\r?\n/, '')));
      }
    } else {
      parts.push({ type: type.split(';')[0]?.trim().toLowerCase() ?? '', text: decodeBody(p) });
    }
  };
  walk(top);
  return { headers: top.headers, parts };
}
