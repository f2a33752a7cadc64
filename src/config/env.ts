/**
 * `${VAR}` and `${VAR:-default}` in string values (never in keys), like a shell: `:-` also applies
 * when the variable is set but empty. `$${` writes a literal `${`. Substitution happens on the parsed
 * values, so a variable's text can never change the YAML's structure.
 */
import type { ProblemCollector } from './collector.js';
import { formatPath, isRecord, type PathSegment } from './path.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Substituted {
  value: unknown;
  /** Formatted paths whose value came (in part) from the environment: never echo them. */
  fromEnv: Set<string>;
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function substituteEnv(value: unknown, env: Env, problems: ProblemCollector): Substituted {
  const fromEnv = new Set<string>();

  const visit = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === 'string') return substituteString(node, path);
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (isRecord(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) out[key] = visit(item, [...path, key]);
      return out;
    }
    return node;
  };

  const substituteString = (text: string, path: PathSegment[]): string => {
    if (!text.includes('${')) return text;
    let used = false;
    let broken = false;
    const out = text.replace(REFERENCE, (match: string, body: string | undefined) => {
      if (match === '$${') return '${';
      if (!match.endsWith('}')) {
        problems.error(path, 'unclosed ${…}: write ${NAME}, ${NAME:-default}, or $${ for a literal ${');
        broken = true;
        return '';
      }
      const [name = '', fallback] = splitDefault(body ?? '');
      if (!NAME.test(name)) {
        problems.error(
          path,
          `bad variable name in \${${name}}: use letters, digits and _ (not starting with a digit)`,
        );
        broken = true;
        return '';
      }
      used = true;
      const set = env[name];
      if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
      if (set === undefined) {
        problems.error(path, `environment variable ${name} is not set (or write \${${name}:-default})`);
        broken = true;
        return '';
      }
      return set;
    });
    if (used) fromEnv.add(formatPath(path));
    if (broken) problems.silence(path);
    return out;
  };

  return { value: visit(value, []), fromEnv };
}

function splitDefault(body: string): [string, string | undefined] {
  const at = body.indexOf(':-');
  return at === -1 ? [body.trim(), undefined] : [body.slice(0, at).trim(), body.slice(at + 2)];
}
