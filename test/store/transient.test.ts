/** Which store errors the write buffer retries (the connection) and which it does not (the statement). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommitInDoubtError, isTransientStoreError } from '../../src/store/transient.js';

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isTransientStoreError', () => {
  const cases: [string, unknown, boolean][] = [
    ['connection refused', coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), true],
    ['reset', coded('read ECONNRESET', 'ECONNRESET'), true],
    ['node-postgres lost it', new Error('Connection terminated unexpectedly'), true],
    ['pool timeout', new Error('timeout exceeded when trying to connect'), true],
    ['admin shutdown', coded('terminating connection due to administrator command', '57P01'), true],
    ['starting up', coded('the database system is starting up', '57P03'), true],
    ['too many connections', coded('sorry, too many clients already', '53300'), true],
    ['connection exception class', coded('connection failure', '08006'), true],
    ['serialization failure', coded('could not serialize access', '40001'), true],
    ['in doubt', new CommitInDoubtError(new Error('x'), async () => true), true],
    ['unique violation', coded('duplicate key value', '23505'), false],
    ['syntax error', coded('syntax error at or near', '42601'), false],
    ['read-only standby', coded('cannot execute INSERT in a read-only transaction', '25006'), false],
    ['disk full', coded('could not extend file', '53100'), false],
    ['not JSON', new TypeError('value cannot be stored as JSON'), false],
    ['not an error', 'ECONNRESET', false],
  ];
  for (const [name, err, want] of cases)
    it(`${name}: ${want ? 'retried' : 'not retried'}`, () => assert.equal(isTransientStoreError(err), want));
});
