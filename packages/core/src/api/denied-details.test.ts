import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeniedReason, statusDetailsBin } from './denied-details.js';

const ANY_TYPE_URL = Buffer.from('type.googleapis.com/spire.api.types.PermissionDeniedDetails').toString('hex');

describe('grpc-status-details-bin of a denied agent', () => {
  it('is google.rpc.Status{code, message, details: [Any{PermissionDeniedDetails{reason}}]}', () => {
    const bin = statusDetailsBin(7, 'no', DeniedReason.AGENT_BANNED);
    // Status: code=1 (7), message=2 "no", details=3 (LEN 0x41): Any{type_url=1 (LEN 0x3b), value=2 (LEN 2): {reason=1 (4)}}
    assert.equal(bin.toString('hex'), `0807` + `12026e6f` + `1a41` + `0a3b${ANY_TYPE_URL}` + `12020804`);
  });

  it('writes an empty message and an empty Any value; an UNKNOWN reason is left out', () => {
    assert.equal(statusDetailsBin(7, '', DeniedReason.UNKNOWN).toString('hex'), `0807` + `1200` + `1a3f` + `0a3b${ANY_TYPE_URL}` + `1200`);
  });
});
