/**
 * Hostile servers cannot hurt the prober: with a 2 s deadline every probe comes back classified
 * within the deadline + 300 ms, bodies stay under the byte cap (bombs included) and the process's
 * RSS does not grow by more than a generous bound while a probe runs. Overruns and memory figures
 * are printed after the file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProbeResult } from '../../src/probe/types.js';
import { compressedBomb, type Encoding } from '../fixtures/hostile.js';
import { deeplyNestedToolsJson } from '../fixtures/mcp-tools.js';
import { fullBacklogServer, silentHttpServer, silentTlsServer } from '../fixtures/raw-servers.js';
import { nowhere, raw, server, type FaultCase, type Target } from './cases.js';
import { testCerts } from '../fixtures/certs.js';
import {
  assertFailure,
  assertHealthy,
  lookupHanging,
  probeChecked,
  Report,
  type ProbeOpts,
} from './helpers.js';

const DEADLINE_MS = 2000;
const ALLOWED_OVERRUN_MS = 300;
const RSS_BOUND = 64 * 1024 * 1024;
const MiB = 1024 * 1024;
const BIG = 256 * MiB;

const report = new Report();
after(() => report.print(`hostile servers (deadline ${DEADLINE_MS} ms)`));

interface Measured {
  result: ProbeResult;
  wallMs: number;
  rssGrowth: number;
}

/** Probes with the hostile deadline, sampling RSS every 5 ms. */
async function measuredProbe(url: string, opts: ProbeOpts): Promise<Measured> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const { result, wallMs } = await probeChecked(url, { timeoutMs: DEADLINE_MS, ...opts });
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, wallMs, rssGrowth: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}

async function runHostile(c: FaultCase & { memory?: boolean }): Promise<Measured> {
  const certs = await testCerts();
  const target: Target = await c.target();
  try {
    const url = c.url ? c.url(target) : target.url;
    const m = await measuredProbe(url, c.options?.(target, certs) ?? {});
    const overrun = m.wallMs - DEADLINE_MS;
    report.add(
      c.name,
      m.result,
      `wall ${m.wallMs.toFixed(0)} ms, overrun ${overrun.toFixed(0)} ms, rss +${(m.rssGrowth / MiB).toFixed(1)} MiB`,
    );
    assert.ok(
      m.wallMs <= DEADLINE_MS + ALLOWED_OVERRUN_MS,
      `the probe took ${m.wallMs.toFixed(0)} ms with a ${DEADLINE_MS} ms deadline (overrun ${overrun.toFixed(0)} ms)`,
    );
    if (c.memory)
      assert.ok(m.rssGrowth < RSS_BOUND, `RSS grew by ${(m.rssGrowth / MiB).toFixed(1)} MiB while probing`);
    assert.doesNotThrow(
      () => JSON.stringify(m.result),
      'the result must serialise (the CLI and the store do)',
    );
    assertFailure(m.result, c.expect);
    c.check?.(m.result, target);
    return m;
  } finally {
    await target.close();
  }
}

const DEEP = 100_000;
const hang = (on = '*') => server({ fault: { kind: 'hang', on } });

const SLOW_CASES: FaultCase[] = [
  {
    name: 'half-open: request read, never answered',
    target: hang(),
    expect: { layer: 'initialize', code: 'timeout' },
  },
  {
    name: 'raw TCP: accepts, never answers',
    target: raw(silentHttpServer),
    expect: { layer: 'initialize', code: 'timeout' },
  },
  {
    name: 'drip-feed body, 1 byte / 200 ms',
    target: server({ fault: { kind: 'drip', intervalMs: 200 } }),
    expect: { layer: 'initialize', code: 'timeout' },
  },
  {
    name: 'endless SSE, one notification / 100 ms',
    target: server({ fault: { kind: 'endlessSse', intervalMs: 100 } }),
    expect: { layer: 'initialize', code: 'timeout' },
  },
  {
    name: 'tools/list never answered',
    target: hang('tools/list'),
    expect: { layer: 'tools_list', code: 'timeout' },
  },
  {
    name: 'tools/list drip-fed',
    target: server({ fault: { kind: 'drip', intervalMs: 200, on: 'tools/list' } }),
    expect: { layer: 'tools_list', code: 'timeout' },
  },
  {
    name: 'legacy SSE: stream without an endpoint event',
    target: server({ era: 'sse', fault: { kind: 'endlessSse', intervalMs: 100, on: 'GET' } }),
    expect: { layer: 'initialize', code: 'timeout' },
  },
  {
    name: 'DNS never answers',
    target: nowhere('http://mcp.test:8080/mcp'),
    options: () => ({ lookup: lookupHanging }),
    expect: { layer: 'transport', code: 'dns_failed' },
  },
  {
    name: 'TCP connect hangs (full accept queue)',
    target: raw(fullBacklogServer),
    expect: { layer: 'transport', code: 'connect_timeout' },
  },
  {
    name: 'TLS: no ServerHello',
    target: raw(silentTlsServer),
    expect: { layer: 'transport', code: 'tls_timeout' },
  },
];

const bomb = (encoding: Encoding, on = '*') => server({ fault: { kind: 'bomb', encoding, bytes: BIG, on } });

const BODY_CASES: (FaultCase & { memory?: boolean })[] = [
  {
    name: 'endless SSE, as fast as possible',
    target: server({ fault: { kind: 'endlessSse', intervalMs: 0 } }),
    expect: { layer: 'http', code: 'body_too_large' },
    memory: true,
  },
  {
    name: 'endless SSE on tools/list',
    target: server({ fault: { kind: 'endlessSse', intervalMs: 0, on: 'tools/list' } }),
    expect: { layer: 'tools_list', code: 'body_too_large' },
    memory: true,
  },
  {
    name: '256 MiB JSON body, chunked',
    target: server({ fault: { kind: 'huge', bytes: BIG } }),
    expect: { layer: 'http', code: 'body_too_large' },
    memory: true,
  },
  {
    name: '256 MiB JSON body with Content-Length',
    target: server({ fault: { kind: 'huge', bytes: BIG, declareLength: true } }),
    expect: { layer: 'http', code: 'body_too_large' },
    memory: true,
  },
  {
    name: '256 MiB single SSE event',
    target: server({ fault: { kind: 'huge', bytes: BIG, sse: true } }),
    expect: { layer: 'http', code: 'body_too_large' },
    memory: true,
  },
  {
    name: 'gzip bomb (256 MiB inflated)',
    target: bomb('gzip'),
    expect: { layer: 'http', code: 'body_too_large' },
    memory: true,
  },
  {
    name: 'deflate bomb (256 MiB inflated)',
    target: bomb('deflate'),
    expect: { layer: 'http', code: 'body_too_large' },
    memory: true,
  },
  {
    name: 'brotli bomb (256 MiB inflated)',
    target: bomb('br'),
    expect: { layer: 'http', code: 'body_too_large' },
    memory: true,
  },
  {
    name: 'gzip bomb on tools/list',
    target: bomb('gzip', 'tools/list'),
    expect: { layer: 'tools_list', code: 'body_too_large' },
    memory: true,
  },
  {
    name: `JSON nested ${DEEP} deep as the body`,
    target: server({ fault: { kind: 'deepJson', depth: DEEP } }),
    expect: { layer: 'http', code: 'not_jsonrpc' },
  },
  {
    name: `inputSchema nested ${DEEP} deep`,
    target: server({ rawToolsResult: deeplyNestedToolsJson(DEEP) }),
    expect: { layer: 'tools_list', code: 'invalid_schema' },
  },
  {
    name: 'invalid UTF-8 body',
    target: server({ fault: { kind: 'invalidUtf8' } }),
    expect: { layer: 'http', code: 'not_jsonrpc' },
  },
  {
    name: 'response headers of 1 MiB',
    target: server({ fault: { kind: 'hugeHeaders', bytes: MiB } }),
    expect: { layer: 'http', code: 'malformed_http' },
  },
  {
    name: 'reset in the middle of the body',
    target: server({ fault: { kind: 'resetMidBody' } }),
    expect: { layer: 'transport', code: 'connection_reset' },
  },
];

before(async () => {
  // Build the bombs (and certificates) before any RSS baseline is taken.
  await Promise.all([
    compressedBomb('gzip', BIG),
    compressedBomb('deflate', BIG),
    compressedBomb('br', BIG),
    testCerts(),
  ]);
});

describe('deadline: slow and silent servers', () => {
  for (const c of SLOW_CASES) test(c.name, () => runHostile(c).then(() => {}));
});

describe('bounded bodies and parsing', () => {
  for (const c of BODY_CASES) test(c.name, () => runHostile(c).then(() => {}));
});

describe('hostile values the prober passes on', () => {
  const deep = '['.repeat(DEEP) + ']'.repeat(DEEP);
  const deepInit = `{"protocolVersion":"2025-11-25","capabilities":{"tools":{},"experimental":{"x":${deep}}},"serverInfo":{"name":"deep","version":"1"}}`;

  test(`initialize capabilities nested ${DEEP} deep: the result still serialises`, async () => {
    const target = await server({ replies: { initialize: { rawResult: deepInit } } })();
    try {
      const m = await measuredProbe(target.url, {});
      report.add('capabilities nested deep', m.result);
      assert.doesNotThrow(
        () => JSON.stringify(m.result),
        'JSON.stringify(result) must not overflow the stack',
      );
    } finally {
      await target.close();
    }
  });

  test(`tool annotations nested ${DEEP} deep: the result still serialises`, async () => {
    const json = `{"tools":[{"name":"t","inputSchema":{"type":"object"},"annotations":{"x":${deep}}}]}`;
    const target = await server({ rawToolsResult: json })();
    try {
      const m = await measuredProbe(target.url, {});
      report.add('annotations nested deep', m.result);
      assert.doesNotThrow(
        () => JSON.stringify(m.result),
        'JSON.stringify(result) must not overflow the stack',
      );
    } finally {
      await target.close();
    }
  });

  test('invalid UTF-8 inside a string of a valid answer is replaced, not fatal', async () => {
    const rawResult = Buffer.concat([
      Buffer.from('{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"bad'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      Buffer.from('","version":"1"}}'),
    ]);
    const target = await server({ replies: { initialize: { rawResult } } })();
    try {
      const m = await measuredProbe(target.url, {});
      report.add('invalid UTF-8 in serverInfo.name', m.result);
      assertHealthy(m.result);
      assert.match(m.result.server?.name ?? '', /^bad\uFFFD/);
    } finally {
      await target.close();
    }
  });

  test('an abort signal ends a hanging probe promptly with a classified result', async () => {
    const target = await hang()();
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const t0 = performance.now();
      const { result } = await probeChecked(target.url, { timeoutMs: 10_000, signal: controller.signal });
      const wall = performance.now() - t0;
      report.add('abort after 300 ms', result, `wall ${wall.toFixed(0)} ms`);
      assert.ok(wall < 300 + ALLOWED_OVERRUN_MS, `took ${wall.toFixed(0)} ms`);
      assert.equal(result.ok, false);
    } finally {
      await target.close();
    }
  });
});
