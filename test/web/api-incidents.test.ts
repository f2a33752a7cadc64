/** Incidents (list, show, update, acknowledge, resolve) and postmortems through the API, seen on the status page. */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { Incident } from '../../src/engine/types.js';
import { IDS, SECRETS } from './seed.js';
import { assertNoSecrets, assertProblem, auth, seededApp, type TestApp } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await seededApp();
});
after(async () => {
  await t.app.close();
});

const admin = () => auth(t.adminToken);
const post = (url: string, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers: admin(), ...(payload ? { payload } : {}) });

describe('incidents API', () => {
  it('lists with filters, newest first, in the `incidents --json` shape', async () => {
    const all = (await t.app.inject({ url: '/api/v1/incidents', headers: auth(t.readToken) })).json<{
      items: Incident[];
    }>();
    assert.deepEqual(
      all.items.map((i) => i.id),
      [IDS.p1, IDS.p2, IDS.resolved],
    );
    for (const k of [
      'id',
      'server',
      'severity',
      'status',
      'trigger',
      'layer',
      'code',
      'openedAt',
      'acknowledgedAt',
      'resolvedAt',
      'timeline',
    ]) {
      assert.ok(k in all.items[0]!, k);
    }
    const open = (
      await t.app.inject({ url: '/api/v1/incidents?open=true', headers: auth(t.readToken) })
    ).json<{ items: Incident[] }>();
    assert.deepEqual(
      open.items.map((i) => i.id),
      [IDS.p1, IDS.p2],
    );
    const docs = (
      await t.app.inject({ url: '/api/v1/incidents?server=docs-search', headers: auth(t.readToken) })
    ).json<{ items: Incident[] }>();
    assert.deepEqual(
      docs.items.map((i) => i.id),
      [IDS.resolved],
    );
    assertProblem(await t.app.inject({ url: '/api/v1/incidents?open=maybe', headers: admin() }), 400);
    assertProblem(await t.app.inject({ url: '/api/v1/incidents/nope', headers: admin() }), 404);
  });

  it('keeps header values and raw URLs out of incident timelines', async () => {
    const i = (await t.store.getIncident(IDS.resolved))!;
    const url = t.view.servers()[0]!.url;
    i.timeline.push({
      at: t.now,
      kind: 'trigger',
      message: `401 with Bearer ${SECRETS.DOCS_TOKEN} at ${url}`,
    });
    await t.store.writeJudgement({ incidents: [i] });
    const one = await t.app.inject({ url: `/api/v1/incidents/${IDS.resolved}`, headers: auth(t.readToken) });
    assert.match(one.body, /401 with \[redacted\] at \[redacted\]/);
    assertNoSecrets(one);
    assertNoSecrets(await t.app.inject({ url: '/api/v1/incidents', headers: auth(t.readToken) }));
  });

  it('acknowledges once (the first acknowledgement stays), by the token name', async () => {
    const res = await post(`/api/v1/incidents/${IDS.p1}/acknowledge`);
    assert.equal(res.statusCode, 200, res.body);
    const i = res.json<Incident>();
    assert.equal(i.acknowledgedBy, 'token:alice');
    assert.equal(i.acknowledgedAt, t.view.now());
    t.advance(60_000);
    const again = (await post(`/api/v1/incidents/${IDS.p1}/acknowledge`)).json<Incident>();
    assert.equal(again.acknowledgedAt, t.view.now() - 60_000);
    assertProblem(await post('/api/v1/incidents/nope/acknowledge'), 404);
    assertProblem(await post(`/api/v1/incidents/${IDS.resolved}/acknowledge`), 409);
    assertProblem(await post(`/api/v1/incidents/${IDS.p1}/acknowledge`, { by: 'someone-else' }), 400);
  });

  it('posts updates through identified and monitoring, then resolves, all shown publicly in order', async () => {
    const up = async (status: string, message: string) => {
      t.advance(60_000);
      const res = await post(`/api/v1/incidents/${IDS.p1}/updates`, { status, message });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<Incident>();
    };
    assert.equal((await up('identified', 'A bad deploy; rolling back.')).status, 'identified');
    assert.equal((await up('monitoring', 'Rolled back; watching.')).status, 'monitoring');
    t.advance(60_000);
    const resolved = (
      await post(`/api/v1/incidents/${IDS.p1}/resolve`, { message: 'All good since 12:05.' })
    ).json<Incident>();
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.resolvedAt, t.view.now());
    assertProblem(await post(`/api/v1/incidents/${IDS.p1}/resolve`), 409);
    assertProblem(
      await post(`/api/v1/incidents/${IDS.p1}/updates`, { status: 'monitoring', message: 'x' }),
      409,
    );
    const sp = (await t.app.inject({ url: '/status/public/api/v2/incidents.json' })).json<{
      incidents: { id: string; status: string; incident_updates: { status: string; body: string }[] }[];
    }>();
    const mine = sp.incidents.find((i) => i.id === IDS.p1)!;
    assert.equal(mine.status, 'resolved');
    assert.deepEqual(
      mine.incident_updates.map((u) => `${u.status}: ${u.body}`),
      [
        'resolved: All good since 12:05.',
        'monitoring: Rolled back; watching.',
        'identified: A bad deploy; rolling back.',
        'investigating: We are investigating failures of billing-tools.',
      ],
    );
  });

  it('validates updates: status enum, message length, no unknown fields', async () => {
    const url = `/api/v1/incidents/${IDS.p2}/updates`;
    assertProblem(await post(url, { status: 'fixed', message: 'x' }), 400);
    assertProblem(await post(url, { status: 'monitoring', message: '' }), 400);
    assertProblem(await post(url, { status: 'monitoring', message: 'x'.repeat(5001) }), 400);
    assertProblem(await post(url, { status: 'monitoring' }), 400);
    assertProblem(await post(url, { status: 'monitoring', message: 'x', extra: 1 }), 400);
    assertProblem(await post('/api/v1/incidents/ghost/updates', { status: 'monitoring', message: 'x' }), 404);
  });
});

describe('postmortems API', () => {
  it('refuses a postmortem while the incident is open (409)', async () => {
    assertProblem(
      await t.app.inject({ url: `/api/v1/incidents/${IDS.p1}/postmortem`, headers: admin() }),
      409,
    );
    assertProblem(
      await t.app.inject({
        method: 'PUT',
        url: `/api/v1/incidents/${IDS.p1}/postmortem`,
        headers: admin(),
        payload: { why: 'x' },
      }),
      409,
    );
  });

  it('drafts the five bullets with the facts on resolve, edits, publishes to the status page and the feed', async () => {
    await post(`/api/v1/incidents/${IDS.p1}/resolve`);
    const draft = (
      await t.app.inject({ url: `/api/v1/incidents/${IDS.p1}/postmortem`, headers: auth(t.readToken) })
    ).json<{
      status: string;
      saved: boolean;
      whatHappened: string;
      whyNotSooner: string;
      facts: { probesFailed: number; timeToAlertMs: number; layer: string; code: string };
    }>();
    assert.equal(draft.status, 'draft');
    assert.equal(draft.saved, true, 'resolve stored the draft');
    assert.deepEqual(
      [draft.facts.layer, draft.facts.code, draft.facts.probesFailed, draft.facts.timeToAlertMs],
      ['transport', 'connect_refused', 5, 60_000],
    );
    assert.match(
      draft.whatHappened,
      /billing-tools failed at the transport layer \(connect_refused\): 5 probes failed/,
    );
    assert.match(draft.whyNotSooner, /1 min later/);
    let page = (await t.app.inject({ url: '/status/public' })).body;
    assert.ok(!page.includes('Nothing was listening, a port change'));
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/incidents/${IDS.p1}/postmortem`,
      headers: admin(),
      payload: { why: 'Nothing was listening, a port change <b>broke</b> it.', publish: true },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json<{ status: string; updatedBy: string }>().status, 'published');
    page = (await t.app.inject({ url: '/status/public' })).body;
    assert.ok(page.includes('Nothing was listening, a port change &lt;b&gt;broke&lt;/b&gt; it.'));
    const feed = (await t.app.inject({ url: '/status/public/feed.atom' })).body;
    assert.ok(feed.includes('Nothing was listening, a port change'));
    const unpublish = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/incidents/${IDS.p1}/postmortem`,
      headers: admin(),
      payload: { publish: false },
    });
    assert.equal(unpublish.json<{ status: string }>().status, 'draft');
    assert.ok(
      !(await t.app.inject({ url: '/status/public' })).body.includes('Nothing was listening, a port change'),
    );
  });

  it('validates postmortem bodies', async () => {
    const url = `/api/v1/incidents/${IDS.resolved}/postmortem`;
    const put = (payload: object) => t.app.inject({ method: 'PUT', url, headers: admin(), payload });
    assertProblem(await put({}), 400);
    assertProblem(await put({ summary: 'x' }), 400);
    assertProblem(await put({ why: 'x'.repeat(10_001) }), 400);
    assertProblem(await put({ publish: 'yes' }), 400);
    assertProblem(
      await t.app.inject({
        method: 'PUT',
        url: '/api/v1/incidents/ghost/postmortem',
        headers: admin(),
        payload: { why: 'x' },
      }),
      404,
    );
  });
});
