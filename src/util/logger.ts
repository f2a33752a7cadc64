/** Structured JSON logs (pino), pretty-printed when a person is watching a terminal. */
import { pino, type Logger } from 'pino';

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
