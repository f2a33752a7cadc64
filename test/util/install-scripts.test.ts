/**
 * npm's install-script policy (npm 11.16+: `allowScripts` in package.json, enforced from npm 12):
 * every package of the lockfile that has an install script is reviewed there, allowed or denied, and
 * every entry names a package the lockfile has, so `npm ci` warns about nothing and nothing is stale.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const json = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;

const pkg = json('package.json') as { allowScripts?: Record<string, boolean> };
const lock = json('package-lock.json') as {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
};

const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
const entryName = (key: string) => key.replace(/(?<=.)@[^@/]+$/, ''); // "pkg@1.2.3" → "pkg"

test('every dependency with an install script is allowed or denied in package.json allowScripts', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && p.hasInstallScript)
    .map(([path, p]) => ({ name: nameOf(path), version: p.version }));
  assert.ok(withScripts.length > 0, 'the lockfile marks install scripts (hasInstallScript)');
  const policy = pkg.allowScripts ?? {};
  const unreviewed = withScripts.filter(
    ({ name, version }) => !(name in policy) && !(`${name}@${version}` in policy),
  );
  assert.deepEqual(unreviewed, []);
  for (const [key, allowed] of Object.entries(policy)) assert.equal(typeof allowed, 'boolean', key);
});

test('allowScripts names only packages the lockfile has; the native SQLite driver is allowed to build', () => {
  const names = new Set(
    Object.keys(lock.packages)
      .filter((p) => p !== '')
      .map(nameOf),
  );
  const policy = pkg.allowScripts ?? {};
  assert.deepEqual(
    Object.keys(policy).filter((k) => !names.has(entryName(k))),
    [],
  );
  assert.equal(
    policy['better-sqlite3'] ??
      policy[`better-sqlite3@${lock.packages['node_modules/better-sqlite3']?.version}`],
    true,
  );
});
