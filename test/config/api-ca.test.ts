/**
 * `ca` in a server entry from the API: refused unless `server.apiCaDirectory` is configured, and then
 * only a PEM file of certificates inside that directory (no absolute paths, no `..`, no symlink out).
 * A server changed through the API keeps the `ca` its file entry already had.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { parseServerEntry } from '../../src/config/server-entry.js';
import type { Config } from '../../src/config/types.js';
import { testCerts } from '../fixtures/certs.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mcpwatch-api-ca-')));
after(() => rmSync(dir, { recursive: true, force: true }));
const cas = join(dir, 'cas');
mkdirSync(cas);
writeFileSync(join(dir, 'file-ca.pem'), 'placeholder');
writeFileSync(join(dir, 'outside.pem'), 'placeholder');
writeFileSync(join(cas, 'not-pem.pem'), 'root:x:0:0:root:/root:/bin/bash\n');
symlinkSync('/etc/passwd', join(cas, 'passwd.pem'));
symlinkSync(join(dir, 'outside.pem'), join(cas, 'escape.pem'));

function config(extra = ''): Config {
  const yaml = `server: { port: 8080${extra} }
servers:
  - { name: docs, url: "https://docs.example.com/mcp", ca: ./file-ca.pem }
`;
  const file = join(dir, 'mcpwatch.yaml');
  const { config, problems } = parseConfig(yaml, {}, { file });
  assert.ok(config, JSON.stringify(problems));
  return config;
}

const entry = (ca: string) => ({ name: 'search', url: 'https://search.example.com/mcp', ca });
const errors = (r: ReturnType<typeof parseServerEntry>) =>
  r.problems.filter((p) => p.severity === 'error').map((p) => [p.path, p.message]);

describe('ca from the API', () => {
  test('refused without server.apiCaDirectory, whatever the path', () => {
    for (const ca of ['/etc/passwd', './file-ca.pem', 'cas/x.pem'])
      assert.deepEqual(errors(parseServerEntry(entry(ca), config())), [
        [
          'ca',
          'a CA file cannot be set through the API: configure server.apiCaDirectory and put the PEM file there',
        ],
      ]);
  });

  test('with server.apiCaDirectory: only PEM certificates inside it', async () => {
    writeFileSync(join(cas, 'good.pem'), (await testCerts()).ca);
    const cfg = config(`, apiCaDirectory: ./cas`);
    const ok = parseServerEntry(entry('good.pem'), cfg);
    assert.deepEqual(errors(ok), []);
    assert.equal(ok.server?.ca, join(cas, 'good.pem'));
    const withIt = { ...cfg, servers: [...cfg.servers, ok.server!] };
    const patched = parseServerEntry({ ...ok.server!.entry, interval: '2m' }, withIt, {
      replacing: 'search',
    });
    assert.deepEqual(errors(patched), []);
    assert.equal(patched.server?.ca, join(cas, 'good.pem'));

    const refused: [string, RegExp][] = [
      ['/etc/passwd', /^must be a file name inside server\.apiCaDirectory/],
      ['../outside.pem', /^must be a file name inside server\.apiCaDirectory/],
      ['sub/../../outside.pem', /^must be a file name inside server\.apiCaDirectory/],
      ['escape.pem', /^must be a file name inside server\.apiCaDirectory/],
      ['passwd.pem', /^must be a file name inside server\.apiCaDirectory/],
      ['missing.pem', /^no such CA file in server\.apiCaDirectory: missing\.pem$/],
      ['not-pem.pem', /^not-pem\.pem is not a PEM file of certificates$/],
    ];
    for (const [ca, message] of refused) {
      const r = parseServerEntry(entry(ca), cfg);
      assert.equal(r.server, null, ca);
      const e = errors(r);
      assert.equal(e.length, 1, `${ca}: ${JSON.stringify(e)}`);
      assert.equal(e[0]![0], 'ca');
      assert.match(e[0]![1]!, message, ca);
    }
  });

  test("a change keeps the ca the file's entry already had", () => {
    const cfg = config();
    const current = cfg.servers[0]!;
    const r = parseServerEntry({ ...current.entry, interval: '2m' }, cfg, { replacing: 'docs' });
    assert.deepEqual(errors(r), []);
    assert.equal(r.server?.ca, join(dir, 'file-ca.pem'));
    const swapped = parseServerEntry({ ...current.entry, ca: '/etc/passwd' }, cfg, { replacing: 'docs' });
    assert.equal(swapped.server, null);
  });
});
