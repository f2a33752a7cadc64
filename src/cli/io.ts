import { neutralise } from '../util/unsafe-text.js';

/**
 * Where commands print: stdout for results only, stderr for everything else. Injected for tests.
 * The process's Io neutralises control characters (see util/unsafe-text.ts) in everything it prints,
 * since most output carries remote text; only text marked `styled` (the probe report with colours,
 * which neutralises its remote parts itself) keeps its escape sequences.
 */
export interface Io {
  out: (text: string, styled?: boolean) => void;
  err: (text: string) => void;
  /** True when stdout is a terminal (colours, pretty logs). */
  tty: boolean;
}

const line = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);

export const processIo: Io = {
  out: (t, styled) => process.stdout.write(line(styled ? t : neutralise(t))),
  err: (t) => process.stderr.write(line(neutralise(t))),
  tty: Boolean(process.stdout.isTTY),
};

/** A usage error: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
