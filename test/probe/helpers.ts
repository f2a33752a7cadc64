/**
 * Shared assertions for the prober's tests: run a probe, validate it against the contract, and
 * check the classification (layer, code, later layers skipped) with messages that show what the
 * prober actually returned.
 */
import assert from 'node:assert/strict';
import { probe, probeDetailed } from '../../src/probe/index.js';
import type { LayerName, ProbeResult } from '../../src/probe/types.js';
import { assertMatchesContract } from './contract.js';

export type ProbeOpts = NonNullable<Parameters<typeof probe>[1]>;
export type Lookup = NonNullable<ProbeOpts['lookup']>;

const ORDER: LayerName[] = ['transport', 'http', 'initialize', 'tools_list', 'tool_call'];

export interface Expected {
  layer: LayerName;
  code: string;
  httpStatus?: number;
  rpcCode?: number;
  location?: string;
}

/** probe() + contract validation + the wall time it took. */
export async function probeChecked(
  url: string,
  opts: ProbeOpts = {},
): Promise<{ result: ProbeResult; wallMs: number }> {
  const t0 = performance.now();
  const result = await probe(url, opts);
  const wallMs = performance.now() - t0;
  assertMatchesContract(result);
  return { result, wallMs };
}

export async function probeDetailedChecked(url: string, opts: ProbeOpts = {}) {
  const outcome = await probeDetailed(url, opts);
  assertMatchesContract(outcome.result);
  return outcome;
}

/** A short description of what the prober returned, for assertion messages and reports. */
export function got(result: ProbeResult): string {
  const f = result.failure;
  const warnings = result.warnings.length
    ? ` {warnings: ${result.warnings.map((w) => w.code).join(', ')}}`
    : '';
  if (!f) return `ok (transport ${result.transport}, protocol ${result.protocolVersion})${warnings}`;
  const extra = [
    f.httpStatus !== undefined ? `http ${f.httpStatus}` : '',
    f.rpcCode !== undefined ? `rpc ${f.rpcCode}` : '',
    f.location !== undefined ? `location ${f.location}` : '',
  ].filter(Boolean);
  return `${f.layer}/${f.code}${extra.length ? ` (${extra.join(', ')})` : ''}${warnings}: ${f.message}`;
}

/** `result` failed at exactly `expected`: earlier layers ok, that one failed, later ones skipped. */
export function assertFailure(result: ProbeResult, expected: Expected): void {
  assert.equal(result.ok, false, `expected a failure ${expected.layer}/${expected.code}, got ${got(result)}`);
  const f = result.failure;
  assert.ok(f, 'ok is false but failure is null');
  assert.equal(
    `${f.layer}/${f.code}`,
    `${expected.layer}/${expected.code}`,
    `wrong classification; prober said ${got(result)}`,
  );
  if (expected.httpStatus !== undefined)
    assert.equal(f.httpStatus, expected.httpStatus, `httpStatus; prober said ${got(result)}`);
  if (expected.rpcCode !== undefined)
    assert.equal(f.rpcCode, expected.rpcCode, `rpcCode; prober said ${got(result)}`);
  if (expected.location !== undefined)
    assert.equal(f.location, expected.location, `location; prober said ${got(result)}`);
  assert.ok(f.message.length > 0, 'failure.message is empty');
  const at = ORDER.indexOf(f.layer);
  ORDER.forEach((layer, i) => {
    if (layer === 'tool_call' && !result.layers.tool_call) return; // no calls configured
    const want = i < at ? 'ok' : i === at ? 'failed' : 'skipped';
    assert.equal(
      result.layers[layer]?.status,
      want,
      `layers.${layer}.status with failure at ${f.layer}; prober said ${got(result)}`,
    );
  });
}

/** `result` is healthy; tools_list may be skipped only when `toolsSkipped`. */
export function assertHealthy(result: ProbeResult, toolsSkipped = false): void {
  assert.equal(result.ok, true, `expected a healthy result, got ${got(result)}`);
  assert.equal(result.failure, null);
  for (const layer of ORDER.slice(0, 3))
    assert.equal(result.layers[layer]?.status, 'ok', `layers.${layer}.status`);
  assert.equal(result.layers.tools_list.status, toolsSkipped ? 'skipped' : 'ok', 'layers.tools_list.status');
}

/** A DNS resolver for the probe: every name resolves to `address` (after `delayMs`). */
export function lookupTo(address: string, delayMs = 0): Lookup {
  return async () => {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
}

/** A DNS resolver that fails with a Node-style error code (ENOTFOUND, EAI_AGAIN, ESERVFAIL…). */
export function lookupFailing(code: string): Lookup {
  return async (hostname) => {
    throw Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, hostname });
  };
}

/** A DNS resolver that never answers. */
export const lookupHanging: Lookup = () => new Promise(() => {});

/** One line per case for the report printed after a test file. */
export class Report {
  private readonly rows: string[] = [];
  add(name: string, result: ProbeResult, note = ''): void {
    this.rows.push(`${name.padEnd(52)} -> ${got(result).slice(0, 170)}${note ? `  [${note}]` : ''}`);
  }
  line(text: string): void {
    this.rows.push(text);
  }
  print(title: string): void {
    console.log(`\n=== ${title} ===\n${this.rows.join('\n')}\n`);
  }
}
