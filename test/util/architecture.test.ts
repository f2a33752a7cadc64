/**
 * The import check of docs/architecture.md: every import in src/ from one top folder into another must
 * be allowed by the doc's "may import" table, which this test reads (so the doc and the check cannot
 * drift apart). Imports are found with the TypeScript parser: `import`/`export … from`, `import x =
 * require()`, dynamic `import()` and `import('…')` types. Files also must not import each other in a
 * circle (the folders' arrows go one way, so any such circle lies inside one folder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');

interface Rule {
  /** Folders it may import values and types from. */
  values: Set<string>;
  /** Folders it may import types only from. */
  types: Set<string>;
  everything: boolean;
}

/** The "may import" table of docs/architecture.md. */
function readRules(markdown: string): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  const start = markdown.indexOf('| folder | owns | may import |');
  assert.ok(start >= 0, 'docs/architecture.md has the "| folder | owns | may import |" table');
  for (const line of markdown.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').map((c) => c.trim());
    const folder = cells[1]!.replace(/`/g, '');
    const allowed = cells[cells.length - 2]!;
    const rule: Rule = { values: new Set(), types: new Set(), everything: allowed === 'everything' };
    if (allowed !== '—' && !rule.everything) {
      for (const part of allowed.split(',').map((p) => p.trim())) {
        const m = /^([a-z]+)( \(types only\))?$/.exec(part);
        assert.ok(m, `docs/architecture.md: cannot read "${part}" in the row of ${folder}`);
        (m[2] ? rule.types : rule.values).add(m[1]!);
      }
    }
    rules.set(folder, rule);
  }
  return rules;
}

interface ImportRef {
  line: number;
  specifier: string;
  typeOnly: boolean;
}

/** Every module specifier a TypeScript file names, with its line and whether only types come through it. */
function importsOf(fileName: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (spec && ts.isStringLiteralLike(spec))
      out.push({
        line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
        specifier: spec.text,
        typeOnly,
      });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings : undefined;
      const allTypes =
        !!c &&
        (c.isTypeOnly ||
          (!c.name && !!named && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause : undefined;
      const allTypes =
        node.isTypeOnly ||
        (!!named && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier, allTypes);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The top folder under src/ of a path relative to src/ ("engine/rules/p1.ts" → "engine"). */
const folderOf = (pathInSrc: string) => pathInSrc.split(/[\\/]/)[0]!;

/** Every import against the table, as "file:line imports 'spec': a → b …". */
function violations(files: Map<string, string>, rules: Map<string, Rule>): string[] {
  const out: string[] = [];
  for (const [file, text] of files) {
    const from = folderOf(file);
    const rule = rules.get(from);
    if (!rule) {
      out.push(`src/${file}: folder ${from}/ has no row in docs/architecture.md`);
      continue;
    }
    for (const ref of importsOf(file, text)) {
      if (!ref.specifier.startsWith('.')) continue;
      const target = normalize(join(dirname(file), ref.specifier));
      if (target.startsWith('..')) {
        out.push(`src/${file}:${ref.line} imports '${ref.specifier}': outside src/`);
        continue;
      }
      const to = folderOf(target);
      if (to === from || rule.everything || rule.values.has(to)) continue;
      if (rule.types.has(to) && ref.typeOnly) continue;
      const why = rule.types.has(to)
        ? `${from}/ may import only types from ${to}/`
        : `${from}/ may not import ${to}/`;
      out.push(`src/${file}:${ref.line} imports '${ref.specifier}': ${why}`);
    }
  }
  return out;
}

/** The file of `files` a relative specifier in `from` names (`.js` written for `.ts`), or null. */
function resolveIn(files: Map<string, string>, from: string, specifier: string): string | null {
  const target = normalize(join(dirname(from), specifier))
    .split(sep)
    .join('/');
  const candidates = [
    target,
    target.replace(/\.js$/, '.ts'),
    target.replace(/\.mjs$/, '.mts'),
    `${target}/index.ts`,
  ];
  return candidates.find((c) => files.has(c)) ?? null;
}

/**
 * Import cycles between files (type and dynamic imports count too), one per set of files that reach
 * each other, as "src/a.ts → src/b.ts → src/a.ts": the shortest cycle through the first file by name.
 */
function cycles(files: Map<string, string>): string[] {
  const edges = new Map<string, string[]>();
  for (const [file, text] of files) {
    const to = importsOf(file, text)
      .filter((ref) => ref.specifier.startsWith('.'))
      .map((ref) => resolveIn(files, file, ref.specifier))
      .filter((t): t is string => t !== null);
    edges.set(file, [...new Set(to)].sort());
  }
  // Tarjan: the strongly connected components of the import graph.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = stack.splice(stack.indexOf(v));
    if (component.length > 1 || edges.get(v)!.includes(v)) components.push(component.sort());
  };
  for (const f of [...files.keys()].sort()) if (!index.has(f)) visit(f);
  return components
    .sort((a, b) => a[0]!.localeCompare(b[0]!))
    .map((component) => {
      // Breadth first from the first file, inside the component, back to itself.
      const start = component[0]!;
      const inside = new Set(component);
      const via = new Map<string, string>();
      const queue = [start];
      while (queue.length > 0) {
        const v = queue.shift()!;
        const next = edges.get(v)!.filter((w) => inside.has(w));
        if (next.includes(start)) {
          const path = [start];
          for (let u = v; u !== start; u = via.get(u)!) path.splice(1, 0, u);
          return [...path, start].map((f) => `src/${f}`).join(' → ');
        }
        for (const w of next) if (!via.has(w)) (via.set(w, v), queue.push(w));
      }
      throw new Error(`no cycle through ${start}`);
    });
}

function sourceFiles(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mts|cts|js|mjs)$/.test(e.name))
      out.set(relative(SRC, p).split(sep).join('/'), readFileSync(p, 'utf8'));
  }
  return out;
}

const RULES = readRules(readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8'));

test('every import in src/ follows the flow of docs/architecture.md', () => {
  const files = sourceFiles(SRC);
  assert.ok(files.size > 100, `read ${files.size} files`);
  assert.deepEqual(violations(files, RULES), []);
});

test('the table of docs/architecture.md has a row for every folder of src/ and no loop', () => {
  const folders = readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  assert.deepEqual([...RULES.keys()].sort(), folders);
  // Walk the arrows (cli's "everything" aside): no folder may reach itself.
  const reach = (from: string, seen: Set<string>): boolean => {
    const r = RULES.get(from)!;
    for (const to of [...r.values, ...r.types]) {
      if (seen.has(to)) return true;
      if (RULES.has(to) && reach(to, new Set([...seen, to]))) return true;
    }
    return false;
  };
  for (const f of folders)
    if (!RULES.get(f)!.everything) assert.equal(reach(f, new Set([f])), false, `${f}/ reaches itself`);
});

test('the check finds static, re-exported, dynamic and type imports against the flow, by file and line', () => {
  const files = new Map<string, string>([
    [
      'engine/bad.ts',
      "import { openStore } from '../store/open.js';\nimport { LAYERS } from '../probe/types.js';\n",
    ],
    ['probe/lazy.ts', "export async function f() {\n  return (await import('../web/app.js')).buildApp;\n}\n"],
    ['probe/reexport.ts', "export { LIKELY_FIX } from '../cli/report.js';\n"],
    ['probe/typed.ts', "let x: import('../monitor/monitor-view.js').MonitorView;\n"],
    ['store/config-value.ts', "import { DEFAULTS } from '../config/defaults.js';\n"],
    [
      'store/config-type.ts',
      "import type { Config } from '../config/types.js';\nimport { type ServerConfig } from '../config/types.js';\n",
    ],
    ['cli/any.ts', "import { buildApp } from '../web/app.js';\n"],
    ['newfolder/x.ts', "import { LAYERS } from '../probe/types.js';\n"],
    ['util/escape.ts', "import x from '../../package.json';\n"],
  ]);
  assert.deepEqual(violations(files, RULES), [
    "src/engine/bad.ts:1 imports '../store/open.js': engine/ may not import store/",
    "src/probe/lazy.ts:2 imports '../web/app.js': probe/ may not import web/",
    "src/probe/reexport.ts:1 imports '../cli/report.js': probe/ may not import cli/",
    "src/probe/typed.ts:1 imports '../monitor/monitor-view.js': probe/ may not import monitor/",
    "src/store/config-value.ts:1 imports '../config/defaults.js': store/ may import only types from config/",
    'src/newfolder/x.ts: folder newfolder/ has no row in docs/architecture.md',
    "src/util/escape.ts:1 imports '../../package.json': outside src/",
  ]);
});

test('no files of src/ import each other in a circle', () => {
  assert.deepEqual(cycles(sourceFiles(SRC)), []);
});

test('the cycle check finds circles of imports of every kind, and only those', () => {
  const cases: { name: string; files: [string, string][]; cycles: string[] }[] = [
    {
      name: 'two files, each importing a value of the other',
      files: [
        ['web/http/problem.ts', "import { drain } from './client-errors.js';\nexport const BASE = 'x';\n"],
        ['web/http/client-errors.ts', "import { BASE } from './problem.js';\nexport const drain = 1;\n"],
      ],
      cycles: ['src/web/http/client-errors.ts → src/web/http/problem.ts → src/web/http/client-errors.ts'],
    },
    {
      name: 'three files through a re-export, a type import and a dynamic import, across subfolders',
      files: [
        ['monitor/a.ts', "export { b } from './b.js';\n"],
        ['monitor/b.ts', "import type { C } from './sub/c.js';\nexport const b = 1;\n"],
        ['monitor/sub/c.ts', "export type C = number;\nexport const f = () => import('../a.js');\n"],
      ],
      cycles: ['src/monitor/a.ts → src/monitor/b.ts → src/monitor/sub/c.ts → src/monitor/a.ts'],
    },
    {
      name: 'a file importing itself; a folder index',
      files: [
        ['engine/self.ts', "import { x } from './self.js';\nexport const y = x;\n"],
        ['engine/index.ts', "export * from './rules/index.js';\n"],
        ['engine/rules/index.ts', "import { y } from '../index.js';\n"],
      ],
      cycles: [
        'src/engine/index.ts → src/engine/rules/index.ts → src/engine/index.ts',
        'src/engine/self.ts → src/engine/self.ts',
      ],
    },
    {
      name: 'the shortest circle of several: a diamond with one arrow back',
      files: [
        ['store/a.ts', "import './b.js';\nimport './c.js';\n"],
        ['store/b.ts', "import './d.js';\n"],
        ['store/c.ts', "import './d.js';\nimport './a.js';\n"],
        ['store/d.ts', "import './e.js';\n"],
        ['store/e.ts', "import './a.js';\n"],
      ],
      cycles: ['src/store/a.ts → src/store/c.ts → src/store/a.ts'],
    },
    {
      name: 'no circle: a diamond, packages, node: modules and files outside the map',
      files: [
        ['util/a.ts', "import './b.js';\nimport './c.js';\nimport ts from 'typescript';\n"],
        ['util/b.ts', "import './d.js';\nimport { readFileSync } from 'node:fs';\n"],
        ['util/c.ts', "import './d.js';\nimport '../../package.json';\n"],
        ['util/d.ts', "import './missing.js';\n"],
      ],
      cycles: [],
    },
  ];
  for (const c of cases) assert.deepEqual(cycles(new Map(c.files)), c.cycles, c.name);
});
