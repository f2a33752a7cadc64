/**
 * Web benchmark:
 * - status page of 100 servers with 90 days of history (hour and day rollups of a probe every 5 min,
 *   20 incidents) — server time p50/p95 over 200 requests through app.inject (floor: p95 < 50 ms),
 *   and the same for its summary.json;
 * - the page's load in Chromium (navigation to load event, and first contentful paint), when
 *   /usr/bin/chromium exists;
 * - the dashboard overview of 1,000 servers (one request, one table): server time p50/p95 over 50
 *   requests, and time to first render (first contentful paint) in Chromium.
 * Summaries are fixed objects, as the engine keeps them in memory: this measures web/ and the store.
 * Run directly: node --import tsx bench/web.ts
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../src/web/app.js';
import { createManyServersView } from '../test/web/many.js';
import { printTable, type BenchFigure } from './figure.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/fixtures/chromium.js';

const NOW = Date.UTC(2025, 5, 30, 15, 30);

const round = (v: number): number => Math.round(v * 100) / 100;

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function serverTimes(
  app: FastifyInstance,
  url: string,
  runs: number,
  headers: Record<string, string> = {},
): Promise<{ p50: number; p95: number; bytes: number }> {
  for (let i = 0; i < 5; i++) await app.inject({ url, headers });
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await app.inject({ url, headers });
    times.push(performance.now() - t0);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
    bytes = res.rawPayload.length;
  }
  return { p50: round(percentile(times, 0.5)), p95: round(percentile(times, 0.95)), bytes };
}

/** Median over `runs` loads of: navigation start to load event, and first contentful paint. */
async function loadInChromium(page: Page, url: string, runs: number): Promise<{ load: number; fcp: number }> {
  const loads: number[] = [];
  const paints: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    await page.goto(url, { waitUntil: 'load' });
    // A string, evaluated in the page: this file is type-checked without the DOM library.
    const t = await page.evaluate<{ load: number; fcp: number }>(`new Promise((resolve) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const done = (fcp) => resolve({ load: nav.loadEventEnd - nav.startTime, fcp });
      new PerformanceObserver((list) => {
        const e = list.getEntries().find((x) => x.name === 'first-contentful-paint');
        if (e) done(e.startTime);
      }).observe({ type: 'paint', buffered: true });
      setTimeout(() => done(NaN), 5000);
    })`);
    if (i === 0) continue; // warm-up
    loads.push(t.load);
    paints.push(t.fcp);
  }
  return { load: round(percentile(loads, 0.5)), fcp: round(percentile(paints, 0.5)) };
}

export async function benchWeb(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const status = await createManyServersView(100, { now: NOW, historyDays: 90 });
  const statusApp = buildApp(status.view);
  const overview = await createManyServersView(1000, { now: NOW });
  const overviewApp = buildApp(overview.view);
  try {
    const page = await serverTimes(statusApp, '/status/all', 200);
    figures.push(
      { name: 'status page, 100 servers x 90 days: server time p50', value: page.p50, unit: 'ms' },
      {
        name: 'status page, 100 servers x 90 days: server time p95',
        value: page.p95,
        unit: 'ms',
        target: '< 50',
      },
      { name: 'status page, 100 servers x 90 days: size', value: round(page.bytes / 1024), unit: 'KiB' },
    );
    const summary = await serverTimes(statusApp, '/status/all/api/v2/summary.json', 200);
    figures.push({ name: 'summary.json, 100 servers: server time p95', value: summary.p95, unit: 'ms' });

    const login = await overviewApp.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: overview.adminToken }).toString(),
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const dash = await serverTimes(overviewApp, '/', 50, { cookie });
    figures.push(
      { name: 'dashboard overview, 1,000 servers: server time p50', value: dash.p50, unit: 'ms' },
      { name: 'dashboard overview, 1,000 servers: server time p95', value: dash.p95, unit: 'ms' },
      { name: 'dashboard overview, 1,000 servers: size', value: round(dash.bytes / 1024), unit: 'KiB' },
    );

    if (existsSync(CHROMIUM)) {
      const statusUrl = await statusApp.listen({ port: 0, host: '127.0.0.1' });
      const overviewUrl = await overviewApp.listen({ port: 0, host: '127.0.0.1' });
      const profile = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        headless: true,
        viewport: { width: 1280, height: 900 },
      });
      try {
        const tab = context.pages()[0] ?? (await context.newPage());
        const s = await loadInChromium(tab, `${statusUrl}/status/all`, 10);
        figures.push(
          { name: 'status page in Chromium: load event (median)', value: s.load, unit: 'ms' },
          { name: 'status page in Chromium: first contentful paint (median)', value: s.fcp, unit: 'ms' },
        );
        await tab.goto(`${overviewUrl}/login`);
        await tab.fill('input[name=token]', overview.adminToken);
        await Promise.all([tab.waitForURL(`${overviewUrl}/`), tab.click('button[type=submit]')]);
        const d = await loadInChromium(tab, `${overviewUrl}/`, 10);
        figures.push(
          {
            name: 'overview of 1,000 servers in Chromium: first render (FCP, median)',
            value: d.fcp,
            unit: 'ms',
          },
          { name: 'overview of 1,000 servers in Chromium: load event (median)', value: d.load, unit: 'ms' },
        );
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    } else {
      console.log(`(${CHROMIUM} is missing: browser figures skipped)`);
    }
  } finally {
    await statusApp.close();
    await overviewApp.close();
    await status.store.close();
    await overview.store.close();
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable('web benchmark', await benchWeb());
}
