/**
 * Reading a config: YAML (with positions) -> ${ENV} substitution -> schema -> semantic checks ->
 * Config. Every problem is collected in one pass; nothing here throws anything but a ConfigError.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { aliasCycles } from './alias-cycles.js';
import { buildConfig } from './build.js';
import type { CheckContext } from './checks/context.js';
import { checkHygiene } from './checks/hygiene.js';
import { checkNames } from './checks/names.js';
import { checkReferences } from './checks/references.js';
import { checkValues } from './checks/values.js';
import { ProblemCollector } from './collector.js';
import { substituteEnv, type Env } from './env.js';
import { sourceMapOf } from './positions.js';
import { ConfigError, type Problem } from './problem.js';
import type { RawConfig } from './raw.js';
import { checkSchema } from './schema.js';
import type { Config } from './types.js';

export interface ParseOptions {
  /** The file the text came from: used in messages and to resolve relative paths (`ca`). */
  file?: string | null;
}

export interface ParseResult {
  /** null when there is at least one error. */
  config: Config | null;
  /** Errors and warnings in file order. */
  problems: Problem[];
}

export function parseConfig(text: string, env: Env = process.env, opts: ParseOptions = {}): ParseResult {
  const file = opts.file ?? null;
  const baseDir = file === null ? null : dirname(resolve(file));
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true });
  const problems = new ProblemCollector(sourceMapOf(doc, lines));

  const yamlProblem = (e: YAMLError, severity: Problem['severity']): void => {
    const { line, col } = lines.linePos(e.pos[0]);
    const message =
      e.code === 'MULTIPLE_DOCS'
        ? 'the file holds several YAML documents (---): mcpwatch reads one'
        : (e.message.split('\n')[0] ?? e.message);
    problems.at({ line, column: col }, `YAML: ${message}`, severity);
  };
  doc.errors.forEach((e) => yamlProblem(e, 'error'));
  doc.warnings.forEach((e) => yamlProblem(e, 'warning'));
  if (doc.errors.length > 0) return { config: null, problems: problems.list() };
  const cycles = aliasCycles(doc);
  for (const { alias, offset } of cycles) {
    const { line, col } = lines.linePos(offset);
    problems.at(
      { line, column: col },
      `YAML: the alias *${alias.source} refers to the node that contains it (anchor &${alias.source}), which would be infinitely deep`,
      'error',
    );
  }
  if (cycles.length > 0) return { config: null, problems: problems.list() };

  let plain: unknown;
  try {
    plain = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    problems.at(null, `YAML: ${(err as Error).message}`, 'error');
    return { config: null, problems: problems.list() };
  }
  if (plain === null || plain === undefined) {
    problems.at(null, 'the config is empty: it needs at least a `servers` list', 'error');
    return { config: null, problems: problems.list() };
  }

  const { value: data, fromEnv } = substituteEnv(plain, env, problems);
  checkSchema(data, problems, fromEnv);
  const ctx: CheckContext = { data, problems, fromEnv, baseDir };
  checkNames(ctx);
  checkReferences(ctx);
  checkValues(ctx);
  checkHygiene(ctx);

  if (problems.hasErrors) return { config: null, problems: problems.list() };
  return { config: buildConfig(data as RawConfig, file, baseDir), problems: problems.list() };
}

/** Every problem of a config text (what `mcpwatch check-config` prints). */
export function checkConfig(text: string, env: Env = process.env, opts: ParseOptions = {}): Problem[] {
  return parseConfig(text, env, opts).problems;
}

/**
 * Reads and validates `file`. Throws a ConfigError listing every error as `file:line:col path:
 * message` (also for a missing or unreadable file); warnings do not stop it (see parseConfig).
 */
export function loadConfig(file: string, env: Env = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `config file not found: ${resolve(file)} (pass --config FILE, or create ./mcpwatch.yaml)`
        : code === 'EISDIR'
          ? `${resolve(file)} is a directory, not a config file`
          : `cannot read the config file: ${(err as Error).message}`;
    throw new ConfigError(file, [{ path: '', line: null, column: null, message, severity: 'error' }]);
  }
  const { config, problems } = parseConfig(text, env, { file });
  if (config === null) throw new ConfigError(file, problems);
  return config;
}
