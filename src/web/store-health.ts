/**
 * The store's health as the web face reports it: /healthz answers 503 with the reason, and every
 * dashboard page carries a banner, while the store fails (see Store.health).
 */
import type { Store, StoreHealth } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { html, type Html } from './html/escape.js';

export async function storeHealth(store: Store): Promise<StoreHealth> {
  try {
    if (store.health) return await store.health();
    await store.getMeta('web.healthz');
    return { ok: true, reason: null };
  } catch (err) {
    return { ok: false, reason: `the store does not answer: ${(err as Error).message}` };
  }
}

/** The banner a dashboard page shows while the store fails. */
export function storeBanner(health: StoreHealth): Html | null {
  if (health.ok) return null;
  if (health.degraded)
    return html`<div class="banner failing" role="alert">
      <strong>Storage is unreachable.</strong> ${health.reason} Pages may be out of date or fail until it
      answers; see /healthz.
    </div>`;
  return html`<div class="banner failing" role="alert">
    <strong>Storage is failing.</strong> ${health.reason} Probe results, incidents and alerts may not be saved
    until it is fixed; see /healthz.
  </div>`;
}

/** Puts the banner at the top of a dashboard page's main content. */
export function withStoreBanner(page: string, health: StoreHealth): string {
  const banner = storeBanner(health);
  return banner ? page.replace('<main>', `<main>${banner.text}`) : page;
}

/**
 * Checks the store every `everyMs` (serve: 10 s) and logs an error when it starts failing (a deleted
 * or replaced file, writes that do not commit) or fails differently, and once when it works again.
 */
export function watchStore(
  store: Store,
  log: Pick<Logger, 'error' | 'info'>,
  everyMs = 10_000,
): NodeJS.Timeout {
  let failing: string | null = null;
  const timer = setInterval(() => {
    void storeHealth(store).then((h) => {
      // A store that keeps writes in memory while its database is away logs that itself.
      if (h.degraded) return;
      if (!h.ok && h.reason !== failing) log.error({ reason: h.reason }, `storage is failing: ${h.reason}`);
      else if (h.ok && failing !== null) log.info('storage works again');
      failing = h.ok ? null : h.reason;
    });
  }, everyMs);
  timer.unref();
  return timer;
}
