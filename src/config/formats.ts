/**
 * The config's own string formats: checked by ajv (so every bad value is reported with its path) and
 * explained here in one sentence each. Values that came from the environment are never echoed.
 */
import { DurationError, parseDuration } from '../util/duration.js';
import { isTimeZone, parseWeeklyTime } from '../util/weekly-time.js';

export const FORMATS = {
  'mcpwatch-duration': (s: string) => tryOk(() => parseDuration(s)),
  'mcpwatch-http-url': (s: string) => httpUrlProblem(s) === null,
  'mcpwatch-header-value': (s: string) => !/[\r\n\0]/.test(s),
  'mcpwatch-weekly-time': (s: string) => tryOk(() => parseWeeklyTime(s)),
  'mcpwatch-timezone': (s: string) => isTimeZone(s),
} as const;

export type FormatName = keyof typeof FORMATS | 'date-time';

/** Why `value` does not have `format`; `secret` hides the value itself. */
export function formatMessage(format: string, value: unknown, secret: boolean): string {
  const text = typeof value === 'string' ? value : String(value);
  switch (format) {
    case 'mcpwatch-duration':
      if (secret)
        return 'is not a valid duration (value from the environment): use e.g. 500ms, 15s, 5m, 2m30s';
      try {
        parseDuration(text);
      } catch (err) {
        if (err instanceof DurationError) return err.message;
      }
      return 'is not a valid duration';
    case 'mcpwatch-http-url':
      return `${httpUrlProblem(text) ?? 'is not a valid URL'}${secret ? ' (value from the environment)' : ''}`;
    case 'mcpwatch-header-value':
      return 'header value must not contain line breaks or NUL';
    case 'mcpwatch-weekly-time':
      if (secret) return 'is not a valid schedule (value from the environment): use e.g. "mon 09:00"';
      try {
        parseWeeklyTime(text);
      } catch (err) {
        if (err instanceof Error) return err.message;
      }
      return 'is not a valid schedule';
    case 'mcpwatch-timezone':
      return secret
        ? 'is not a known IANA time zone (value from the environment)'
        : `unknown time zone "${text}": use an IANA name such as UTC or Europe/Paris`;
    case 'date-time':
      return 'must be an ISO 8601 date-time with a time zone, e.g. 2025-06-01T22:00:00Z';
    default:
      return `must be a valid ${format}`;
  }
}

/** null when `text` is an absolute http(s) URL with a host, else what is wrong with it. */
export function httpUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must be an http:// or https:// URL (not ${url.protocol})`;
  }
  if (url.hostname === '') return 'must be an http(s) URL with a host';
  return null;
}

function tryOk(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}
