/**
 * Reading a channel's settings from the config with errors that name the channel and the key,
 * and never echo a value (settings hold secrets).
 */
import type { ChannelConfig } from '../config/types.js';

export class ChannelConfigError extends Error {
  constructor(
    readonly channel: string,
    readonly key: string,
    problem: string,
  ) {
    super(`channels.${channel}.${key}: ${problem}`);
    this.name = 'ChannelConfigError';
  }
}

export class Settings {
  constructor(private readonly cfg: ChannelConfig) {}

  private raw(key: string): unknown {
    return this.cfg.settings[key];
  }

  private fail(key: string, problem: string): never {
    throw new ChannelConfigError(this.cfg.name, key, problem);
  }

  has(key: string): boolean {
    const v = this.raw(key);
    return v !== undefined && v !== null && v !== '';
  }

  string(key: string): string;
  string(key: string, fallback: string): string;
  string(key: string, fallback: null): string | null;
  string(key: string, fallback?: string | null): string | null {
    const v = this.raw(key);
    if (v === undefined || v === null || v === '') {
      if (fallback === undefined) this.fail(key, 'is required');
      return fallback;
    }
    if (typeof v !== 'string') this.fail(key, 'must be a string');
    return v;
  }

  /** An http(s) URL. */
  url(key: string, fallback?: string): string {
    const v = fallback === undefined ? this.string(key) : this.string(key, fallback);
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      this.fail(key, 'is not a valid URL');
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') this.fail(key, 'must be an http(s) URL');
    return v;
  }

  /** A string or a list of strings (at least one). */
  list(key: string, fallback?: string[]): string[] {
    const v = this.raw(key);
    if (v === undefined || v === null || v === '') {
      if (fallback === undefined) this.fail(key, 'is required');
      return fallback;
    }
    const items = Array.isArray(v) ? v : [v];
    if (items.length === 0 || !items.every((x): x is string => typeof x === 'string' && x !== '')) {
      this.fail(key, 'must be a non-empty string or a list of them');
    }
    return items;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    this.fail(key, 'must be true or false');
  }

  number(key: string, fallback: number): number {
    const v = this.raw(key);
    if (v === undefined || v === null || v === '') return fallback;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (!Number.isFinite(n)) this.fail(key, 'must be a number');
    return n;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.string(key, fallback);
    if (!(allowed as readonly string[]).includes(v)) this.fail(key, `must be one of ${allowed.join(', ')}`);
    return v as T;
  }

  /** A map of string values (extra headers, details). */
  stringMap(key: string): Record<string, string> {
    const v = this.raw(key);
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(key, 'must be a map of strings');
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x !== 'string') this.fail(`${key}.${k}`, 'must be a string');
      out[k] = x;
    }
    return out;
  }
}
