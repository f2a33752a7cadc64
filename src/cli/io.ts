/** Where commands print: stdout for results only, stderr for everything else. Injected for tests. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stdout is a terminal (colours, pretty logs). */
  tty: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  tty: Boolean(process.stdout.isTTY),
};

/** A usage error: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
