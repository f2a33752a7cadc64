/**
 * Twilio's Messages API: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic auth with
 * the account SID and auth token, form-encoded To/From (or MessagingServiceSid)/Body. Answers 201
 * with the message resource, or Twilio's error object (401 code 20003, 400 code 21211/21602/21617).
 */
import { randomBytes } from 'node:crypto';
import { json, startReceiver, type Receiver } from './server.js';

const E164 = /^\+[1-9]\d{6,14}$/;

function twilioError(status: number, code: number, message: string): ReturnType<typeof json> {
  return json(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

export async function startTwilioReceiver(accountSid: string, authToken: string): Promise<Receiver> {
  return startReceiver((req) => {
    if (req.method !== 'POST' || req.path !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) {
      return {
        answer: twilioError(404, 20404, 'The requested resource was not found'),
        problems: [`unexpected ${req.method} ${req.path}`],
      };
    }
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return { answer: twilioError(401, 20003, 'Authenticate'), problems: ['bad credentials'] };
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return {
        answer: twilioError(400, 21600, 'content-type must be form-encoded'),
        problems: ['content-type'],
      };
    }
    const form = new URLSearchParams(req.body);
    const to = form.get('To') ?? '';
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const body = form.get('Body') ?? '';
    const known = ['To', 'From', 'MessagingServiceSid', 'Body', 'StatusCallback'];
    const unknown = [...form.keys()].filter((k) => !known.includes(k));
    if (unknown.length)
      return {
        answer: twilioError(400, 21610, `unknown parameters ${unknown.join(', ')}`),
        problems: unknown,
      };
    if (!E164.test(to))
      return {
        answer: twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
        problems: ['To'],
      };
    if ((from === null) === (service === null))
      return {
        answer: twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required"),
        problems: ['From'],
      };
    if (from !== null && !E164.test(from))
      return {
        answer: twilioError(400, 21212, `The 'From' number ${from} is not valid.`),
        problems: ['From'],
      };
    if (body.length === 0)
      return { answer: twilioError(400, 21602, 'Message body is required.'), problems: ['Body'] };
    if (body.length > 1600)
      return {
        answer: twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'),
        problems: ['Body'],
      };
    const sid = `SM${randomBytes(16).toString('hex')}`;
    return {
      answer: json(201, {
        sid,
        account_sid: accountSid,
        to,
        from,
        messaging_service_sid: service,
        body,
        status: 'queued',
        num_segments: '1',
      }),
      problems: [],
    };
  });
}
