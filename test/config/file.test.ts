import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/problem.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-config-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

test('a missing file is a ConfigError with a clear message, not a crash', () => {
  withDir((dir) => {
    const file = join(dir, 'mcpwatch.yaml');
    const err = configError(() => loadConfig(file, {}));
    assert.equal(
      err.message,
      `invalid config ${file} (1 error):\n  ${file}: config file not found: ${file} (pass --config FILE, or create ./mcpwatch.yaml)`,
    );
    assert.deepEqual(
      err.problems.map((p) => [p.path, p.line, p.severity]),
      [['', null, 'error']],
    );
  });
});

test('a directory instead of a file is a ConfigError', () => {
  withDir((dir) => {
    const err = configError(() => loadConfig(dir, {}));
    assert.match(err.message, /is a directory, not a config file/);
  });
});

test('the ConfigError lists every problem as file:line:col path: message, errors first', () => {
  withDir((dir) => {
    const file = join(dir, 'mcpwatch.yaml');
    writeFileSync(
      file,
      [
        'servers:',
        '  - name: docs',
        '    url: https://docs.example.com/mcp',
        '    interval: 5s',
        '    colour: red',
        '  - name: docs',
        '    url: "${API_URL}"',
        '',
      ].join('\n'),
    );
    const err = configError(() => loadConfig(file, {}));
    assert.equal(
      err.message,
      [
        `invalid config ${file} (3 errors):`,
        `  ${file}:5:5 servers[0].colour: unknown key "colour"`,
        `  ${file}:6:11 servers[1].name: duplicate server name "docs" (first at servers[0])`,
        `  ${file}:7:10 servers[1].url: environment variable API_URL is not set (or write \${API_URL:-default})`,
        `  ${file}:4:15 servers[0].interval: warning: confirm.every 15s is not shorter than interval 5s: failures are confirmed no faster than normal probes`,
        `  ${file}:4:15 servers[0].interval: warning: timeout 10s is longer than interval 5s: a slow probe will skip slots`,
      ].join('\n'),
    );
  });
});

test('a valid file loads; ca resolves against the file and must exist', () => {
  withDir((dir) => {
    const file = join(dir, 'mcpwatch.yaml');
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    writeFileSync(file, 'servers:\n  - { name: docs, url: "https://docs.example.com/mcp", ca: ca.pem }\n');
    const config = loadConfig(file, {});
    assert.equal(config.file, file);
    assert.equal(config.servers[0]?.ca, join(dir, 'ca.pem'));

    writeFileSync(
      file,
      'servers:\n  - { name: docs, url: "https://docs.example.com/mcp", ca: missing.pem }\n',
    );
    const err = configError(() => loadConfig(file, {}));
    assert.deepEqual(
      err.problems.map((p) => [p.path, p.line, p.column, p.message]),
      [['servers[0].ca', 2, 60, `CA file not found: ${join(dir, 'missing.pem')}`]],
    );
  });
});
