import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { notifyTest } from '../../src/alerts/notify-test.js';
import { exampleConfig } from './fixtures.js';
import { startPagerDutyReceiver } from './receivers/pagerduty.js';
import { startSlackReceiver } from './receivers/slack.js';
import { startWebhookReceiver } from './receivers/webhook.js';
import { HOOK_SECRET, PD_KEY } from './fixtures.js';
import { text, type Receiver } from './receivers/server.js';

let pager: Receiver;
let team: Receiver;
let hook: Receiver;
before(async () => {
  pager = await startPagerDutyReceiver(PD_KEY);
  team = await startSlackReceiver();
  hook = await startWebhookReceiver(HOOK_SECRET);
});
after(async () => Promise.all([pager.close(), team.close(), hook.close()]));

const config = () =>
  exampleConfig({
    pager: `${pager.url}/v2/enqueue`,
    team: `${team.url}/services/x`,
    hook: `${hook.url}/hook`,
  });

test("a clearly-marked test alert reaches each channel and the receiver's answer comes back", async () => {
  const c = config();
  const pd = await notifyTest(c, 'pager');
  assert.equal(pd.ok, true);
  assert.equal(pd.status, 202);
  assert.equal(pd.type, 'pagerduty');
  assert.match(pd.receiverId ?? '', /^mcpwatch\/test\/test:\d+:pager$/);
  assert.equal(pd.answer, `{"status":"success","message":"Event processed","dedup_key":"${pd.receiverId}"}`);
  const event = JSON.parse(pager.accepted[0]?.body ?? '{}') as {
    payload: { summary: string; severity: string };
  };
  assert.equal(event.payload.summary, 'TEST ALERT from mcpwatch — nothing is down, no action needed');
  assert.equal(event.payload.severity, 'info');

  const slack = await notifyTest(c, 'team');
  assert.deepEqual(
    { ...slack, latencyMs: 0 },
    {
      channel: 'team',
      type: 'slack',
      ok: true,
      status: 200,
      receiverId: null,
      answer: 'ok',
      retryable: null,
      latencyMs: 0,
    },
  );
  assert.match(team.accepted[0]?.body ?? '', /🧪 TEST ALERT from mcpwatch/);

  const wh = await notifyTest(c, 'hook');
  assert.equal(wh.ok, true);
  assert.equal((JSON.parse(hook.accepted[0]?.body ?? '{}') as { type: string }).type, 'test');
});

test('a failing receiver: the answer says what went wrong', async () => {
  team.fault(text(404, 'no_service'));
  const r = await notifyTest(config(), 'team');
  assert.deepEqual(
    { ...r, latencyMs: 0 },
    {
      channel: 'team',
      type: 'slack',
      ok: false,
      status: 404,
      receiverId: null,
      answer: 'HTTP 404: no_service',
      retryable: false,
      latencyMs: 0,
    },
  );
});

test('an unknown channel name lists the configured ones', async () => {
  await assert.rejects(
    notifyTest(config(), 'nope'),
    /no channel named "nope" \(configured: pager, team, hook\)/,
  );
});
