/** Gathers problems with their paths, and places them in the file once at the end. */
import { formatPath, type Path } from './path.js';
import type { Position, SourceMap } from './positions.js';
import { sortProblems, type Problem } from './problem.js';

export class ProblemCollector {
  private readonly items: Problem[] = [];
  private readonly silenced = new Set<string>();

  constructor(private readonly source: SourceMap | null) {}

  error(path: Path, message: string, opts: { key?: boolean } = {}): void {
    this.add(path, message, 'error', opts);
  }

  warning(path: Path, message: string, opts: { key?: boolean } = {}): void {
    this.add(path, message, 'warning', opts);
  }

  /** A problem whose position is already known (YAML syntax errors). */
  at(position: Position | null, message: string, severity: Problem['severity']): void {
    this.items.push({
      path: '',
      line: position?.line ?? null,
      column: position?.column ?? null,
      message,
      severity,
    });
  }

  /** Drops later problems at `path`: its value is already known to be wrong (a missing ${VAR}). */
  silence(path: Path): void {
    this.silenced.add(formatPath(path));
  }

  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === 'error');
  }

  list(): Problem[] {
    return sortProblems(this.items);
  }

  private add(path: Path, message: string, severity: Problem['severity'], opts: { key?: boolean }): void {
    if (this.silenced.has(formatPath(path))) return;
    const pos = this.source?.position(path, opts) ?? null;
    this.items.push({
      path: formatPath(path),
      line: pos?.line ?? null,
      column: pos?.column ?? null,
      message,
      severity,
    });
  }
}
