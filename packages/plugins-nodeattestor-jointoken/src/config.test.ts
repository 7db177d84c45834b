import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrustDomain } from '@spire-ts/core/plugin';
import { joinTokenNodeAttestor } from './index.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };

describe('join_token config', () => {
  it('has the name join_token and type NodeAttestor', () => {
    assert.equal(joinTokenNodeAttestor.name, 'join_token');
    assert.equal(joinTokenNodeAttestor.type, 'NodeAttestor');
  });

  it('accepts empty plugin_data', () => {
    assert.deepEqual(joinTokenNodeAttestor.parseConfig({}, core), { config: { ignoredKeys: [] }, problems: [] });
  });

  it('notes unknown settings without refusing them, as SPIRE does', () => {
    const r = joinTokenNodeAttestor.parseConfig({ foo: 1 }, core);
    assert.deepEqual(r, { config: { ignoredKeys: ['foo'] }, problems: [] });
  });
});
