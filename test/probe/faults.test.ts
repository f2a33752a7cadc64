/**
 * Every contract error code loopback can produce, each from a fixture server, asserting the exact
 * layer and code (plus httpStatus / rpcCode / location / auth where they matter), that later
 * layers are skipped, and that the result matches the contract.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { testCerts } from '../fixtures/certs.js';
import { HTTP_CASES } from './cases-http.js';
import { INITIALIZE_CASES, TOOLS_CASES } from './cases-mcp.js';
import { TRANSPORT_CASES } from './cases-transport.js';
import type { FaultCase } from './cases.js';
import { TOOL_CALL_CASES } from './cases-tool-call.js';
import { CONTRACT_ERROR_CODES } from './contract.js';
import { assertFailure, probeChecked, Report } from './helpers.js';

const report = new Report();
after(() => report.print('faults: what the prober returned'));

const TABLES: [string, FaultCase[]][] = [
  ['transport', TRANSPORT_CASES],
  ['http', HTTP_CASES],
  ['initialize', INITIALIZE_CASES],
  ['tools_list', TOOLS_CASES],
];

for (const [layer, cases] of TABLES) {
  describe(`${layer} faults`, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const certs = await testCerts();
        const target = await c.target();
        try {
          const url = c.url ? c.url(target) : target.url;
          const { result } = await probeChecked(url, { timeoutMs: 5000, ...c.options?.(target, certs) });
          report.add(`${layer}: ${c.name}`, result);
          assertFailure(result, c.expect);
          c.check?.(result, target);
        } finally {
          await target.close();
        }
      });
    }
  });
}

test('every contract error code has a fault case', () => {
  // the tool_call layer's own codes are run by tool-calls.test.ts from cases-tool-call.ts
  const covered = new Set([
    ...TABLES.flatMap(([, cases]) => cases.map((c) => c.expect.code)),
    ...TOOL_CALL_CASES.map((c) => c.code),
  ]);
  const missing = CONTRACT_ERROR_CODES.filter((code) => !covered.has(code));
  assert.deepEqual(missing, [], `contract codes without a loopback fault case: ${missing.join(', ')}`);
});
