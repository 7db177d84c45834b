import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '@spire-ts/core/plugin';
import { JoinTokenAttestor } from './join-token-attestor.js';

describe('join_token plugin', () => {
  it('refuses to attest with UNIMPLEMENTED, as SPIRE\'s plugin does: the server attests join tokens itself', async () => {
    const attestor = new JoinTokenAttestor();
    await assert.rejects(
      attestor.attest(),
      (e: unknown) => {
        assert.ok(e instanceof SpireError, String(e));
        assert.equal(e.code, Code.UNIMPLEMENTED);
        assert.equal(e.message, 'join token attestation is currently implemented within the server');
        return true;
      },
    );
  });
});
