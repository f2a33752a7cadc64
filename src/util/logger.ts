/**
 * Structured JSON logs (pino), pretty-printed when a person is watching a terminal. Pretty logs carry
 * remote text (warning and failure messages) to that terminal, so their control characters are
 * shown as visible \uXXXX escapes (see unsafe-text.ts); JSON logs escape them as JSON does.
 */
import { pino, type Logger } from 'pino';
import { neutralise, neutraliseDeep } from './unsafe-text.js';

export type { Logger };

export function createLogger(opts: { pretty?: boolean; level?: string; destination?: number } = {}): Logger {
  const level = opts.level ?? process.env.MCPWATCH_LOG_LEVEL ?? 'info';
  const redact = {
    paths: ['*.headers.authorization', '*.headers.Authorization', '*.secret', '*.token', '*.routingKey'],
    censor: '[redacted]',
  };
  if (opts.pretty) {
    return pino({
      level,
      redact,
      formatters: { log: (fields) => neutraliseDeep(fields) },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === 'string' ? neutralise(a, false) : a));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
      transport: {
        target: 'pino-pretty',
        options: {
          destination: opts.destination ?? 1,
          colorize: true,
          translateTime: 'HH:MM:ss',
          ignore: 'pid,hostname',
        },
      },
    });
  }
  return pino({ level, redact }, pino.destination({ fd: opts.destination ?? 1, sync: false }));
}
