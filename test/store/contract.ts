/**
 * The Store contract: every implementation (SQLite, PostgreSQL) must pass this suite unchanged.
 * `open` returns a fresh, migrated, empty store for every test.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { compactContract } from './contract-compact.js';
import { judgementContract } from './contract-judgement.js';
import { resultsContract } from './contract-results.js';
import { rollupsContract } from './contract-rollups.js';
import { surfacesContract } from './contract-surfaces.js';

export type StoreGetter = () => Store;

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let current: Store | null = null;
    beforeEach(async () => {
      current = await open();
    });
    afterEach(async () => {
      await current?.close();
      current = null;
    });
    const store: StoreGetter = () => {
      if (!current) throw new Error('no store open');
      return current;
    };

    describe('schema', () => {
      it('migrate() is idempotent and leaves data alone', async () => {
        await store().setMeta('k', 'v');
        await store().migrate();
        await store().migrate();
        assert.equal(await store().getMeta('k'), 'v');
        assert.ok(store().kind === 'sqlite' || store().kind === 'postgres');
      });
    });

    describe('meta', () => {
      it('gets, sets, overwrites and deletes keys', async () => {
        assert.equal(await store().getMeta('api.token'), null);
        await store().setMeta('api.token', 'hash-1');
        await store().setMeta('other', '');
        assert.equal(await store().getMeta('api.token'), 'hash-1');
        await store().setMeta('api.token', 'hash-2');
        assert.equal(await store().getMeta('api.token'), 'hash-2');
        assert.equal(await store().getMeta('other'), '');
        await store().setMeta('api.token', null);
        assert.equal(await store().getMeta('api.token'), null);
        assert.equal(await store().getMeta('other'), '');
      });

      it('lists keys by prefix, in key order, taking % and _ literally', async () => {
        await store().setMeta('request:ack:b', '2');
        await store().setMeta('request:ack:a', '1');
        await store().setMeta('request:other', 'x');
        await store().setMeta('request_ack:z', 'no');
        assert.deepEqual(await store().listMeta('request:ack:'), [
          { key: 'request:ack:a', value: '1' },
          { key: 'request:ack:b', value: '2' },
        ]);
        assert.deepEqual(await store().listMeta('request%'), []);
        assert.equal((await store().listMeta('')).length, 4);
      });
    });

    describe('results', () => resultsContract(store));
    describe('compact results', () => compactContract(store));
    describe('rollups', () => rollupsContract(store));
    describe('tool surfaces', () => surfacesContract(store));
    describe('judgement and outbox', () => judgementContract(store));
  });
}
