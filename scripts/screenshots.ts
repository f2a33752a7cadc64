/**
 * Takes the README's screenshots from a real run: `mcpwatch serve --demo` with the example config
 * (in a temporary data folder), an injected outage, then Chromium on the dashboard and the status
 * page. Run: `node --import tsx scripts/screenshots.ts` (needs /usr/bin/chromium).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/fixtures/chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-shots-'));
const config = join(dir, 'mcpwatch.yaml');
writeFileSync(
  config,
  readFileSync('examples/mcpwatch.yaml', 'utf8')
    .replace('sqlite: ./data/mcpwatch.db', `sqlite: ${join(dir, 'mcpwatch.db')}`)
    .replace('interval: 30s', 'interval: 5s')
    .replace('every: 10s', 'every: 2s')
    .replace('port: 8080', 'port: 18080'),
);
const serve = spawn(
  process.execPath,
  ['--import', 'tsx', 'src/cli/bin.ts', 'serve', '--config', config, '--demo'],
  {
    env: { ...process.env, DEMO_MCP_PORT: '13101' },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
let log = '';
serve.stdout.on('data', (d: Buffer) => (log += d));
serve.stderr.on('data', (d: Buffer) => (log += d));
const waitFor = async (re: RegExp, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!re.test(log)) {
    if (Date.now() > end) throw new Error(`no ${re} in:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return re.exec(log)!;
};

try {
  const token = (await waitFor(/First admin API token \(shown once, keep it\): (\S+)/))[1]!;
  await new Promise((r) => setTimeout(r, 25_000)); // a few good probes
  await fetch('http://127.0.0.1:13101/fault', { method: 'POST', body: JSON.stringify({ mode: 'http500' }) });
  await waitFor(/P1 incident opened/);
  await new Promise((r) => setTimeout(r, 3_000));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto('http://127.0.0.1:18080/status/public');
  await page.screenshot({ path: 'docs/screenshots/status-page.png', fullPage: true });
  await page.goto('http://127.0.0.1:18080/login');
  await page.fill('input[name="token"]', token);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  await page.goto('http://127.0.0.1:18080/');
  await page.screenshot({ path: 'docs/screenshots/dashboard.png', fullPage: true });
  await page.goto('http://127.0.0.1:18080/servers/demo');
  await page.screenshot({ path: 'docs/screenshots/server.png', fullPage: true });
  await browser.close();
  console.log('screenshots written to docs/screenshots/');
} finally {
  serve.kill('SIGTERM');
}
