/**
 * Real browser: Debian's chromium driven by playwright-core against a listening server with seeded
 * data. The status page's bars have 90 days, an open P1 reads "Investigating", pages run under the
 * strict CSP without violations, forms work without JavaScript (acknowledge), and the script's
 * enhancements work with it. Screenshots go to test-artifacts/ (gitignored).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/web/app.js';
import { createSeededView, IDS, type Seeded } from './seed.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../fixtures/chromium.js';

export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

const missing = !existsSync(CHROMIUM);
if (missing)
  console.log(
    `# skipping browser tests: ${CHROMIUM} is missing (the CI script installs Debian's chromium package)`,
  );

/** A fresh profile per context, removed by the caller. */
export async function launch(
  opts: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'mcpwatch-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
  });
  return { context, profile };
}

describe(
  'dashboard and status page in Chromium',
  { skip: missing ? `${CHROMIUM} is missing` : false, timeout: 120_000 },
  () => {
    let seeded: Seeded;
    let app: FastifyInstance;
    let base: string;
    const contexts: { context: BrowserContext; profile: string }[] = [];
    const problems: string[] = [];

    const open = async (javaScriptEnabled = true): Promise<Page> => {
      const c = await launch({ javaScriptEnabled });
      contexts.push(c);
      const page = c.context.pages()[0] ?? (await c.context.newPage());
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
      return page;
    };

    const logIn = async (page: Page, token: string): Promise<void> => {
      await page.goto(`${base}/login`);
      await page.fill('input[name=token]', token);
      await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    };

    before(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      seeded = await createSeededView();
      app = buildApp(seeded.view);
      base = await app.listen({ port: 0, host: '127.0.0.1' });
    });

    after(async () => {
      for (const c of contexts) {
        await c.context.close();
        rmSync(c.profile, { recursive: true, force: true });
      }
      await app?.close();
      await seeded?.store.close();
    });

    it('status page: 90 daily bars with tooltips per server, an open P1 reads "Investigating", no script needed', async () => {
      const page = await open(false);
      await page.goto(`${base}/status/public`);
      const bars = page.locator('svg.bars');
      assert.equal(await bars.count(), 3);
      for (let i = 0; i < 3; i++) assert.equal(await bars.nth(i).locator('rect').count(), 90);
      const tip = await page
        .locator('svg.bars')
        .first()
        .locator('rect title', { hasText: '2025-06-05' })
        .textContent();
      assert.match(tip ?? '', /2025-06-05: .*% available/);
      const p1 = page.locator(`[data-incident="${IDS.p1}"] [data-incident-status]`);
      assert.equal((await p1.textContent())?.trim(), 'Investigating');
      assert.equal((await page.locator('[data-indicator]').textContent())?.trim(), 'Major Service Outage');
      await page.screenshot({ path: join(ARTIFACTS, 'status-page.png'), fullPage: true });
    });

    it('overview: every server from one render, live filter by name', async () => {
      const page = await open();
      await logIn(page, seeded.adminToken);
      assert.equal(await page.locator('#servers tbody tr').count(), 4);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-overview.png'), fullPage: true });
      await page.fill('input[name=q]', 'bill');
      assert.equal(await page.locator('#servers tbody tr:not(.hidden)').count(), 1);
    });

    it('acknowledges from the dashboard with JavaScript off (plain form post)', async () => {
      const page = await open(false);
      await logIn(page, seeded.adminToken);
      await page.goto(`${base}/incidents/${IDS.p1}`);
      assert.equal((await page.locator('#acknowledged').textContent())?.trim(), 'no');
      await Promise.all([page.waitForURL(`${base}/incidents/${IDS.p1}`), page.click('#acknowledge')]);
      assert.match((await page.locator('#acknowledged').textContent()) ?? '', /by token:alice/);
      assert.equal(await page.locator('#acknowledge').count(), 0);
      assert.ok((await seeded.store.getIncident(IDS.p1))?.acknowledgedAt);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-incident.png'), fullPage: true });
    });

    it('server page: charts and the window picker (auto-submitted by the script)', async () => {
      const page = await open();
      await logIn(page, seeded.adminToken);
      await page.goto(`${base}/servers/docs-search`);
      assert.equal(await page.locator('svg.chart').count(), 2);
      assert.equal(await page.locator('form.filters button').isHidden(), true);
      await Promise.all([page.waitForURL(/window=7d/), page.selectOption('select[name=window]', '7d')]);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-server.png'), fullPage: true });
    });

    it('resolves after confirming, and the status page follows', async () => {
      const page = await open();
      await logIn(page, seeded.adminToken);
      await page.goto(`${base}/incidents/${IDS.p2}`);
      page.once('dialog', (d) => void d.accept());
      await page.fill('form[action$="/resolve"] textarea', 'Provider switched; all good.');
      await Promise.all([
        page.waitForURL(`${base}/incidents/${IDS.p2}`),
        page.click('form[action$="/resolve"] button'),
      ]);
      assert.equal((await page.locator('#incident-status').textContent())?.trim(), 'resolved');
      await page.goto(`${base}/status/public`);
      assert.match(await page.content(), /Provider switched; all good\./);
    });

    it('loads every page without console errors or CSP violations', () => {
      assert.deepEqual(problems, []);
    });
  },
);
