/**
 * Severities, incident statuses and server states have one source (engine/types.ts). The config
 * schema (a JSON file editors read) cannot import them, so this test holds it to them; the API's and
 * the MCP face's schemas are built from the same arrays, and checked here too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../src/config/schema.js';
import {
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  SERVER_STATES,
  SEVERITIES,
  UPDATE_STATUSES,
} from '../../src/engine/types.js';
import { stateSchema } from '../../src/mcp/schemas.js';
import { COMPONENTS } from '../../src/web/api/schemas.js';

type Obj = Record<string, unknown>;
const at = (o: unknown, ...path: string[]): Obj =>
  path.reduce<Obj>((x, k) => {
    const next = x[k];
    assert.ok(next && typeof next === 'object', `no ${path.join('/')}`);
    return next as Obj;
  }, o as Obj);

test('the vocabulary: severities, statuses and states in their order', () => {
  assert.deepEqual(SEVERITIES, ['P1', 'P2', 'P3']);
  assert.deepEqual(INCIDENT_SEVERITIES, ['P1', 'P2']);
  assert.deepEqual(INCIDENT_STATUSES, ['investigating', 'identified', 'monitoring', 'resolved']);
  assert.deepEqual(UPDATE_STATUSES, INCIDENT_STATUSES.slice(0, 3));
  assert.deepEqual(SERVER_STATES, ['up', 'degraded', 'down', 'unknown', 'maintenance']);
});

test('the config schema routes every severity and escalates the incident severities, nothing else', () => {
  const schema = configSchema();
  assert.deepEqual(Object.keys(at(schema, '$defs', 'routes', 'properties')), [...SEVERITIES]);
  assert.deepEqual(Object.keys(at(schema, 'properties', 'escalation', 'properties')), [
    ...INCIDENT_SEVERITIES,
  ]);
});

test('the API and MCP schemas enumerate the same states, severities and statuses', () => {
  assert.deepEqual(at(COMPONENTS, 'ServerSummary', 'properties', 'state')['enum'], [...SERVER_STATES]);
  assert.deepEqual(at(COMPONENTS, 'Incident', 'properties', 'severity')['enum'], [...SEVERITIES]);
  assert.deepEqual(at(COMPONENTS, 'Incident', 'properties', 'status')['enum'], [...INCIDENT_STATUSES]);
  assert.deepEqual(stateSchema['enum'], [...SERVER_STATES]);
});
