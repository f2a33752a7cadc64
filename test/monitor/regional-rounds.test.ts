/** RegionalRounds: slot rounds close when the expected regions delivered or at the deadline; late results never make a judged round. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegionalRounds } from '../../src/monitor/regional-rounds.js';
import type { ProbeResult } from '../../src/probe/types.js';

const I = 60_000;
const result = (region: string): ProbeResult => ({ region }) as unknown as ProbeResult;
const rounds = (judgedUntil: number | null = null) =>
  new RegionalRounds({
    intervalMs: I,
    offsetMs: 0,
    deadlineMs: 20_000,
    expected: () => new Set(['local', 'eu', 'us']),
    judgedUntil,
  });
const regionsOf = (r: { round: { results: ProbeResult[] } }) => r.round.results.map((x) => x.region).sort();

test('a slot closes when all three regions delivered, as one round', () => {
  const r = rounds();
  assert.deepEqual(r.add({ region: 'local', at: I, result: result('local'), failed: false }, I + 100), []);
  assert.deepEqual(r.add({ region: 'eu', at: I + 5, result: result('eu'), failed: true }, I + 900), []);
  const out = r.add({ region: 'us', at: I + 9, result: result('us'), failed: false }, I + 1_000);
  assert.equal(out.length, 1);
  assert.deepEqual(regionsOf(out[0]!), ['eu', 'local', 'us']);
  assert.equal(out[0]!.round.at, I);
  assert.equal(out[0]!.late, false);
});

test('a missing region: the round closes at its deadline with the regions that probed', () => {
  const r = rounds();
  r.add({ region: 'local', at: I, result: result('local'), failed: false }, I);
  r.add({ region: 'eu', at: I, result: result('eu'), failed: false }, I);
  assert.deepEqual(r.due(I + 19_999), []);
  const out = r.due(I + 20_000);
  assert.deepEqual(out.map(regionsOf), [['eu', 'local']]);
});

test('a confirmation re-probe starts the next round: latest of every region, waiting for the failing ones', () => {
  const r = rounds();
  r.add({ region: 'local', at: I, result: result('local'), failed: false }, I);
  r.add({ region: 'eu', at: I, result: result('eu'), failed: true }, I);
  r.add({ region: 'us', at: I, result: result('us'), failed: true }, I);
  assert.equal(r.pending(), 0);
  assert.deepEqual(
    r.add({ region: 'eu', at: I + 15_000, result: result('eu2'), failed: true }, I + 15_100),
    [],
  );
  const out = r.add({ region: 'us', at: I + 15_050, result: result('us2'), failed: true }, I + 15_200);
  assert.deepEqual(out.map(regionsOf), [['eu2', 'local', 'us2']]);
  assert.equal(out[0]!.round.at, I + 15_000);
});

test('late results: never a judged round; those of an unjudged slot become one late round after a quiet time', () => {
  const r = rounds(I); // slots up to 1 were judged before a restart
  // Slot 1 (judged): only stored.
  assert.deepEqual(r.add({ region: 'eu', at: I + 10, result: result('eu'), failed: true }, 10 * I), []);
  // Slots 3 (the hub was down): gathered, then handed over as late.
  r.add({ region: 'eu', at: 3 * I, result: result('eu'), failed: true }, 10 * I);
  r.add({ region: 'us', at: 3 * I + 7, result: result('us'), failed: false }, 10 * I + 500);
  assert.deepEqual(r.due(10 * I + 2_000), []);
  const out = r.due(10 * I + 2_500);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.late, true);
  assert.deepEqual(regionsOf(out[0]!), ['eu', 'us']);
  // The same slot again: already handed over.
  r.add({ region: 'local', at: 3 * I + 9, result: result('local'), failed: false }, 10 * I + 3_000);
  assert.deepEqual(r.due(10 * I + 9_000), []);
});
