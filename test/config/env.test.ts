import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig, parseConfig } from '../../src/config/load.js';

const server = (url: string, extra = ''): string => `servers:\n  - name: docs\n    url: "${url}"\n${extra}`;

test('${VAR} substitution, with defaults and escapes', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['https://${HOST}/mcp', { HOST: 'a.example.com' }, 'https://a.example.com/mcp'],
    ['https://${HOST:-b.example.com}/mcp', {}, 'https://b.example.com/mcp'],
    ['https://${HOST:-b.example.com}/mcp', { HOST: '' }, 'https://b.example.com/mcp'],
    ['https://${HOST:-b.example.com}/mcp', { HOST: 'c.example.com' }, 'https://c.example.com/mcp'],
    ['https://${ HOST }/mcp', { HOST: 'd.example.com' }, 'https://d.example.com/mcp'],
    ['https://${A}.${B}/mcp', { A: 'e', B: 'example.com' }, 'https://e.example.com/mcp'],
    ['https://x.example.com/$${NOT_A_VAR}', {}, 'https://x.example.com/$%7BNOT_A_VAR%7D'],
    ['https://x.example.com/a$b', {}, 'https://x.example.com/a$b'],
  ];
  for (const [written, env, url] of cases) {
    const { config, problems } = parseConfig(server(written), env);
    assert.deepEqual(problems, [], written);
    // The raw string is kept as written after substitution; URL encoding above is only the URL check's view.
    assert.equal(new URL(config?.servers[0]?.url ?? '').href, new URL(url).href, written);
  }
});

test('substitution happens in values only, never in keys, and keeps YAML structure', () => {
  const yaml = `${server('https://a.example.com/mcp')}    headers: { "\${NAME}": "\${VALUE}" }\n`;
  const { config, problems } = parseConfig(yaml, { NAME: 'X-Key', VALUE: 'a: b\n- c' });
  // The value had a line break: it is refused as a header value, not re-parsed as YAML.
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [
      ['servers[0].headers["${NAME}"]', 'key "${NAME}" must be a valid HTTP header name'],
      ['servers[0].headers["${NAME}"]', 'header value must not contain line breaks or NUL'],
    ],
  );
  assert.equal(config, null);
});

test('a missing variable is one error naming the variable and the path, nothing else', () => {
  const yaml = `${server('https://a.example.com/mcp', '    interval: "${EVERY}"\n')}channels:\n  - { name: pd, type: pagerduty, routingKey: "\${PD_KEY}" }\n`;
  const problems = checkConfig(yaml, {});
  assert.deepEqual(
    problems.map((p) => [p.path, p.line, p.column, p.severity, p.message]),
    [
      [
        'servers[0].interval',
        4,
        15,
        'error',
        'environment variable EVERY is not set (or write ${EVERY:-default})',
      ],
      [
        'channels[0].routingKey',
        6,
        46,
        'error',
        'environment variable PD_KEY is not set (or write ${PD_KEY:-default})',
      ],
    ],
  );
});

test('malformed references are errors', () => {
  const cases: [string, string][] = [
    ['https://${HOST/mcp', 'unclosed ${…}: write ${NAME}, ${NAME:-default}, or $${ for a literal ${'],
    [
      'https://${1HOST}/mcp',
      'bad variable name in ${1HOST}: use letters, digits and _ (not starting with a digit)',
    ],
    ['https://${}/mcp', 'bad variable name in ${}: use letters, digits and _ (not starting with a digit)'],
  ];
  for (const [written, message] of cases) {
    assert.deepEqual(
      checkConfig(server(written), {}).map((p) => [p.path, p.message]),
      [['servers[0].url', message]],
      written,
    );
  }
});

test('secrets from the environment never appear in messages', () => {
  const SECRET = 'sk-live-SECRET-1234';
  const yaml = [
    'server: { publicUrl: "${PUBLIC}" }',
    'servers:',
    '  - name: docs',
    '    url: "${DOCS_URL}"',
    '    interval: "${EVERY}"',
    '    headers: { Authorization: "Bearer ${TOKEN}" }',
    'channels:',
    '  - { name: hook, type: webhook, url: "${HOOK}", secret: "${TOKEN}" }',
    'digest: { timezone: "${TZ}" }',
    'routes: { P1: ["${TOKEN}"] }',
    '',
  ].join('\n');
  const env = {
    PUBLIC: `ftp://${SECRET}`,
    DOCS_URL: `not-a-url-${SECRET}`,
    EVERY: SECRET,
    TOKEN: SECRET,
    HOOK: `mailto:${SECRET}`,
    TZ: SECRET,
  };
  const problems = checkConfig(yaml, env);
  assert.ok(problems.length >= 6, JSON.stringify(problems));
  for (const p of problems) assert.ok(!p.message.includes('SECRET'), `leaks: ${p.path}: ${p.message}`);
});

test('a substituted scalar becomes a number or boolean where the schema wants one', () => {
  const yaml = `server: { port: "\${PORT}", public: "\${PUBLIC}" }\nscheduler: { concurrency: "\${CONC:-8}" }\n${server('https://a.example.com/mcp')}`;
  const { config, problems } = parseConfig(yaml, { PORT: '9000', PUBLIC: 'true' });
  assert.deepEqual(problems, []);
  assert.equal(config?.server.port, 9000);
  assert.equal(config?.server.public, true);
  assert.equal(config?.scheduler.concurrency, 8);
  assert.deepEqual(
    checkConfig(yaml, { PORT: 'http', PUBLIC: 'true' }).map((p) => [p.path, p.message]),
    [['server.port', 'must be a whole number']],
  );
});
