/**
 * A config problem: where it is (a path like `servers[2].url` and, when the file is known, its line
 * and column) and what is wrong, in one sentence that never contains a secret.
 */

export interface Problem {
  /** e.g. `servers[2].url`; '' for the whole file. */
  path: string;
  /** 1-based; null when the position is unknown (config built in code, missing file). */
  line: number | null;
  column: number | null;
  message: string;
  severity: 'error' | 'warning';
}

/** `file:line:col path: message` (warnings say so after the path). */
export function formatProblem(problem: Problem, file: string | null): string {
  let where = file ?? '<config>';
  if (problem.line !== null) where += `:${problem.line}`;
  if (problem.line !== null && problem.column !== null) where += `:${problem.column}`;
  const path = problem.path === '' ? '' : ` ${problem.path}`;
  const kind = problem.severity === 'warning' ? 'warning: ' : '';
  return `${where}${path}: ${kind}${problem.message}`;
}

/** Errors and warnings in file order (unpositioned ones last), without duplicates. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.severity}|${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const pos = (n: number | null): number => (n === null ? Number.MAX_SAFE_INTEGER : n);
  return unique.sort(
    (a, b) =>
      pos(a.line) - pos(b.line) ||
      pos(a.column) - pos(b.column) ||
      a.path.localeCompare(b.path) ||
      a.message.localeCompare(b.message),
  );
}

/** Thrown by loadConfig: the message lists every problem, one per line, errors first. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly file: string | null;
  readonly problems: readonly Problem[];

  constructor(file: string | null, problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    const warnings = problems.filter((p) => p.severity === 'warning');
    const lines = [...errors, ...warnings].map((p) => `  ${formatProblem(p, file)}`);
    const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
    super(`invalid config ${file ?? '<config>'} (${count}):\n${lines.join('\n')}`);
    this.file = file;
    this.problems = problems;
  }
}
