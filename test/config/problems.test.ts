import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/load.js';
import type { Problem } from '../../src/config/problem.js';

/** A valid server entry, at lines 1-3, so that cases only add what they test. */
const SERVERS = `servers:
  - name: docs
    url: https://docs.example.com/mcp
`;

interface Case {
  name: string;
  yaml: string;
  env?: Record<string, string>;
  /** Every problem, in order: [path, line, column, severity, message or pattern]. */
  expect: [string, number | null, number | null, Problem['severity'], string | RegExp][];
}

const CASES: Case[] = [
  {
    name: 'YAML syntax error',
    yaml: `${SERVERS}servers: []\n`,
    expect: [['', 4, 1, 'error', 'YAML: Map keys must be unique']],
  },
  {
    name: 'several YAML documents',
    yaml: `${SERVERS}---\nservers: []\n`,
    expect: [['', 4, 1, 'error', 'YAML: the file holds several YAML documents (---): mcpwatch reads one']],
  },
  {
    name: 'an alias bomb',
    yaml: `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [${Array(1200).fill('*a').join(', ')}]\n`,
    expect: [['', null, null, 'error', 'YAML: Excessive alias count indicates a resource exhaustion attack']],
  },
  {
    name: 'a list instead of a map',
    yaml: '- name: docs\n',
    expect: [
      ['', 1, 1, 'error', 'must be a map of keys'],
      ['servers', 1, 1, 'warning', 'no servers to monitor (add them here or through the API)'],
    ],
  },
  {
    name: 'empty file',
    yaml: '# nothing here\n',
    expect: [['', null, null, 'error', 'the config is empty: it needs at least a `servers` list']],
  },
  {
    name: 'unknown top-level key, with a suggestion',
    yaml: `${SERVERS}sever: { port: 80 }\n`,
    expect: [['sever', 4, 1, 'error', 'unknown key "sever" (did you mean "server"?)']],
  },
  {
    name: 'unknown server key without a close match',
    yaml: `${SERVERS}    colour: blue\n`,
    expect: [['servers[0].colour', 4, 5, 'error', 'unknown key "colour"']],
  },
  {
    name: 'unknown key inside a channel, checked against its type',
    yaml: `${SERVERS}channels:\n  - { name: pd, type: pagerduty, routingkey: "\${K}" }\n`,
    env: { K: 'x' },
    expect: [
      ['channels[0].routingKey', 5, 5, 'error', 'is required'],
      ['channels[0].routingkey', 5, 34, 'error', 'unknown key "routingkey" (did you mean "routingKey"?)'],
    ],
  },
  {
    name: 'missing url points at the server entry',
    yaml: `servers:\n  - name: docs\n`,
    expect: [['servers[0].url', 2, 5, 'error', 'is required']],
  },
  {
    name: 'server name outside [a-z0-9-]',
    yaml: `servers:\n  - name: Docs_Search\n    url: https://docs.example.com/mcp\n`,
    expect: [
      ['servers[0].name', 2, 11, 'error', 'must be lowercase letters, digits and dashes ([a-z0-9-]+)'],
    ],
  },
  {
    name: 'duplicate server names',
    yaml: `${SERVERS}  - name: docs\n    url: https://other.example.com/mcp\n`,
    expect: [['servers[1].name', 4, 11, 'error', 'duplicate server name "docs" (first at servers[0])']],
  },
  {
    name: 'URL that is not http(s)',
    yaml: `servers:\n  - name: docs\n    url: ftp://docs.example.com/mcp\n`,
    expect: [['servers[0].url', 3, 10, 'error', 'must be an http:// or https:// URL (not ftp:)']],
  },
  {
    name: 'URL that does not parse',
    yaml: `servers:\n  - name: docs\n    url: docs.example.com\n`,
    expect: [['servers[0].url', 3, 10, 'error', 'must be an absolute http:// or https:// URL']],
  },
  {
    name: 'route to a channel that does not exist',
    yaml: `${SERVERS}channels:\n  - { name: pager, type: pagerduty, routingKey: "\${K}" }\nroutes: { P1: [pagr] }\n`,
    env: { K: 'x' },
    expect: [
      ['channels[0].name', 5, 13, 'warning', 'channel "pager" is not used by any route'],
      ['routes.P1[0]', 6, 16, 'error', 'unknown channel "pagr" (did you mean "pager"?)'],
    ],
  },
  {
    name: 'per-server route to a channel that does not exist',
    yaml: `${SERVERS}    routes: { P2: [team] }\n`,
    expect: [['servers[0].routes.P2[0]', 4, 20, 'error', 'unknown channel "team"']],
  },
  {
    name: 'escalation to the digest pseudo-channel',
    yaml: `${SERVERS}escalation:\n  P2: { after: 30m, to: [digest] }\n`,
    expect: [
      ['escalation.P2.to[0]', 5, 26, 'error', 'unknown channel "digest" ("digest" is only valid in routes)'],
    ],
  },
  {
    name: 'a channel may not be called digest',
    yaml: `${SERVERS}channels:\n  - { name: digest, type: slack, url: "\${U}" }\n`,
    env: { U: 'https://hooks.slack.com/x' },
    expect: [['channels[0].name', 5, 13, 'error', '"digest" is reserved: routes use it for the P3 digest']],
  },
  {
    name: 'status page listing an unknown server',
    yaml: `${SERVERS}statusPages:\n  - { slug: public, title: Status, servers: [docs, doc] }\n`,
    expect: [['statusPages[0].servers[1]', 5, 52, 'error', 'unknown server "doc" (did you mean "docs"?)']],
  },
  {
    name: 'maintenance for an unknown server',
    yaml: `${SERVERS}maintenance:\n  - { servers: [api], start: 2025-06-01T22:00:00Z, end: 2025-06-01T23:00:00Z }\n`,
    expect: [['maintenance[0].servers[0]', 5, 17, 'error', 'unknown server "api"']],
  },
  {
    name: 'a duration that does not parse',
    yaml: `${SERVERS}    interval: 1 minute\n`,
    expect: [['servers[0].interval', 4, 15, 'error', /^invalid duration "1 minute": unexpected "1 minute"/]],
  },
  {
    name: 'a duration with units out of order',
    yaml: `defaults:\n  timeout: 30s1m\n${SERVERS}`,
    expect: [
      [
        'defaults.timeout',
        2,
        12,
        'error',
        'invalid duration "30s1m": units must go from largest to smallest, each once',
      ],
    ],
  },
  {
    name: 'a duration of the wrong type',
    yaml: `${SERVERS}    timeout: [10s]\n`,
    expect: [
      [
        'servers[0].timeout',
        4,
        14,
        'error',
        'must be a duration like 15s or 5m, or a number of milliseconds',
      ],
    ],
  },
  {
    name: 'an interval below 1s',
    yaml: `${SERVERS}    interval: 500ms\n`,
    expect: [['servers[0].interval', 4, 15, 'error', 'must be at least 1s']],
  },
  {
    name: 'slo target of 100',
    yaml: `${SERVERS}    slo: { target: 100 }\n`,
    expect: [['servers[0].slo.target', 4, 20, 'error', 'must be < 100']],
  },
  {
    name: 'slo target of 0',
    yaml: `defaults:\n  slo: { target: 0 }\n${SERVERS}`,
    expect: [['defaults.slo.target', 2, 18, 'error', 'must be > 0']],
  },
  {
    name: 'slo layer that does not exist',
    yaml: `${SERVERS}    slo: { layers: [dns] }\n`,
    expect: [
      [
        'servers[0].slo.layers[0]',
        4,
        21,
        'error',
        'must be one of: transport, http, initialize, tools_list, tool_call',
      ],
    ],
  },
  {
    name: 'maintenance that ends before it starts',
    yaml: `${SERVERS}maintenance:\n  - servers: all\n    start: 2025-06-01T22:00:00Z\n    end: 2025-06-01T21:00:00Z\n`,
    expect: [['maintenance[0].end', 7, 10, 'error', 'must be after start']],
  },
  {
    name: 'maintenance time without a zone',
    yaml: `${SERVERS}maintenance:\n  - servers: all\n    start: 2025-06-01 22:00\n    end: 2025-06-01T23:00:00Z\n`,
    expect: [
      [
        'maintenance[0].start',
        6,
        12,
        'error',
        'must be an ISO 8601 date-time with a time zone, e.g. 2025-06-01T22:00:00Z',
      ],
    ],
  },
  {
    name: 'maintenance servers neither all nor a list',
    yaml: `${SERVERS}maintenance:\n  - { servers: everything, start: 2025-06-01T22:00:00Z, end: 2025-06-01T23:00:00Z }\n`,
    expect: [['maintenance[0].servers', 5, 16, 'error', 'must be `all` or a list of server names']],
  },
  {
    name: 'a number where a port goes',
    yaml: `server: { port: eighty }\n${SERVERS}`,
    expect: [['server.port', 1, 17, 'error', 'must be a whole number']],
  },
  {
    name: 'port out of range',
    yaml: `server: { port: 70000 }\n${SERVERS}`,
    expect: [['server.port', 1, 17, 'error', 'must be <= 65535']],
  },
  {
    name: 'unknown channel type reports the type only',
    yaml: `${SERVERS}channels:\n  - { name: bird, type: pigeon, url: https://x.example.com }\n`,
    expect: [
      ['channels[0].name', 5, 13, 'warning', 'channel "bird" is not used by any route'],
      [
        'channels[0].type',
        5,
        25,
        'error',
        'must be one of: webhook, pagerduty, opsgenie, slack, discord, teams, email, sms',
      ],
    ],
  },
  {
    name: 'channel missing its required setting',
    yaml: `${SERVERS}channels:\n  - { name: team, type: slack }\n`,
    expect: [['channels[0].url', 5, 5, 'error', 'is required']],
  },
  {
    name: 'webhook without a secret',
    yaml: `${SERVERS}channels:\n  - { name: hook, type: webhook, url: "https://ops.example.com/hook" }\n`,
    expect: [['channels[0].secret', 5, 5, 'error', 'is required']],
  },
  {
    name: 'webhook secret that is not base64',
    yaml: `${SERVERS}channels:\n  - { name: hook, type: webhook, url: "https://ops.example.com/hook", secret: "not a secret!" }\n`,
    expect: [
      [
        'channels[0].secret',
        5,
        79,
        'warning',
        'looks like a secret written into the file: use ${ENV_VAR} instead',
      ],
      ['channels[0].secret', 5, 79, 'error', 'must be a whsec_… secret (base64) or a list of them'],
    ],
  },
  {
    name: 'opsgenie responder of an unknown type',
    yaml: `${SERVERS}channels:\n  - name: og\n    type: opsgenie\n    apiKey: "\${K}"\n    responders: [{ type: squad, name: sre }]\n`,
    env: { K: 'k' },
    expect: [
      ['channels[0].responders[0].type', 8, 26, 'error', 'must be one of: team, user, escalation, schedule'],
    ],
  },
  {
    name: 'invalid header name',
    yaml: `${SERVERS}    headers: { "X Token": abc }\n`,
    expect: [
      ['servers[0].headers["X Token"]', 4, 16, 'error', 'key "X Token" must be a valid HTTP header name'],
    ],
  },
  {
    name: 'both storages',
    yaml: `storage: { sqlite: ./a.db, postgres: "postgres://db/x" }\n${SERVERS}`,
    expect: [['storage', 1, 10, 'error', 'choose one of sqlite or postgres, not both']],
  },
  {
    name: 'postgres URL with the wrong scheme',
    yaml: `storage: { postgres: "mysql://db/x" }\n${SERVERS}`,
    expect: [
      [
        'storage.postgres',
        1,
        22,
        'error',
        'must be a connection URL starting with postgres:// or postgresql://',
      ],
    ],
  },
  {
    name: 'digest schedule in another format',
    yaml: `${SERVERS}digest: { schedule: "0 9 * * 1" }\n`,
    expect: [['digest.schedule', 4, 21, 'error', /^invalid schedule "0 9 \* \* 1": expected DAYS HH:MM/]],
  },
  {
    name: 'digest time zone unknown',
    yaml: `${SERVERS}digest: { timezone: Mars/Olympus }\n`,
    expect: [
      [
        'digest.timezone',
        4,
        21,
        'error',
        'unknown time zone "Mars/Olympus": use an IANA name such as UTC or Europe/Paris',
      ],
    ],
  },
  {
    name: 'success-rate band inverted',
    yaml: `${SERVERS}    thresholds: { successRate24hLow: 0.999 }\n`,
    expect: [
      [
        'servers[0].thresholds.successRate24hLow',
        4,
        38,
        'error',
        'successRate24hLow (0.999) must be below successRate24hHigh (0.99)',
      ],
    ],
  },
  {
    name: 'the same tool listed twice',
    yaml: `${SERVERS}    expect: { tools: [search, search] }\n`,
    expect: [
      ['servers[0].expect.tools[1]', 4, 31, 'error', 'is listed twice (also at servers[0].expect.tools[0])'],
    ],
  },
  {
    name: 'warning: timeout longer than interval',
    yaml: `${SERVERS}    interval: 5s\n`,
    expect: [
      [
        'servers[0].interval',
        4,
        15,
        'warning',
        'confirm.every 15s is not shorter than interval 5s: failures are confirmed no faster than normal probes',
      ],
      [
        'servers[0].interval',
        4,
        15,
        'warning',
        'timeout 10s is longer than interval 5s: a slow probe will skip slots',
      ],
    ],
  },
  {
    name: 'warning: a secret written into the file',
    yaml: `${SERVERS}    headers: { Authorization: Bearer abc }\n`,
    expect: [
      [
        'servers[0].headers.Authorization',
        4,
        31,
        'warning',
        'looks like a secret written into the file: use ${ENV_VAR} instead',
      ],
    ],
  },
  {
    name: 'warning: nothing to monitor',
    yaml: `server: { port: 8080 }\n`,
    expect: [['servers', 1, 1, 'warning', 'no servers to monitor (add them here or through the API)']],
  },
  {
    name: 'every problem at once, in file order',
    yaml: `servers:\n  - name: A\n    url: nope\n  - url: https://b.example.com\nroutes: { P9: [] }\n`,
    expect: [
      ['servers[0].name', 2, 11, 'error', 'must be lowercase letters, digits and dashes ([a-z0-9-]+)'],
      ['servers[0].url', 3, 10, 'error', 'must be an absolute http:// or https:// URL'],
      ['servers[1].name', 4, 5, 'error', 'is required'],
      ['routes.P9', 5, 11, 'error', 'unknown key "P9" (did you mean "P1"?)'],
    ],
  },
];

for (const c of CASES) {
  test(`problem: ${c.name}`, () => {
    const problems = checkConfig(c.yaml, c.env ?? {});
    const got = problems.map((p) => [p.path, p.line, p.column, p.severity, p.message] as const);
    assert.equal(got.length, c.expect.length, `problems: ${JSON.stringify(got, null, 1)}`);
    c.expect.forEach(([path, line, column, severity, message], i) => {
      const p = problems[i] as Problem;
      assert.deepEqual(
        [p.path, p.line, p.column, p.severity],
        [path, line, column, severity],
        `problem ${i}`,
      );
      if (typeof message === 'string') assert.equal(p.message, message);
      else assert.match(p.message, message);
    });
  });
}
