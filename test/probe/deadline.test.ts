/** The probe's deadline (probe/deadline.ts): total and step signals, a caller's cancellation, and dispose. */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { Deadline, DeadlineError } from '../../src/probe/deadline.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kindOf = (s: AbortSignal): string | null =>
  s.aborted ? (s.reason instanceof DeadlineError ? s.reason.kind : String(s.reason)) : null;

test('the total deadline aborts its signal and every step cut from it, with kind "total"', async () => {
  const d = new Deadline(30);
  const step = d.step(10_000);
  await wait(80);
  assert.deepEqual([kindOf(d.signal), kindOf(step), d.expired()], ['total', 'total', true]);
  d.dispose();
});

test('a step aborts after its own time with kind "step"; the deadline goes on', async () => {
  const d = new Deadline(10_000);
  const step = d.step(20);
  assert.equal(step === d.signal, false);
  await wait(80);
  assert.deepEqual([kindOf(step), kindOf(d.signal)], ['step', null]);
  d.dispose();
});

test('a step as long as what remains is the deadline signal itself', () => {
  const d = new Deadline(1_000);
  assert.equal(d.step(5_000), d.signal);
  assert.equal(d.step(), d.signal);
  d.dispose();
});

test("a caller's cancellation aborts the deadline and its steps with the caller's reason", () => {
  const parent = new AbortController();
  const d = new Deadline(10_000, parent.signal);
  const step = d.step(5_000);
  parent.abort('cancelled');
  assert.deepEqual([kindOf(d.signal), kindOf(step)], ['cancelled', 'cancelled']);
  const before = new AbortController();
  before.abort('already');
  assert.equal(kindOf(new Deadline(10_000, before.signal).signal), 'already');
});

test('dispose clears every timer and takes its listener off the caller signal', async () => {
  const parent = new AbortController();
  const d = new Deadline(30, parent.signal);
  const step = d.step(10);
  assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
  d.dispose();
  assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
  await wait(80);
  assert.deepEqual([kindOf(d.signal), kindOf(step)], [null, null], 'no timer fired after dispose');
  parent.abort('late');
  assert.equal(kindOf(d.signal), null);
});
