import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJournalEntries, encodeJournalEntries, journalAllExpiredBefore, type JournalEntries } from './journal-codec.js';

describe('journal codec (SPIRE protobuf layout)', () => {
  it('encodes with SPIRE field numbers and wire types', () => {
    const bytes = encodeJournalEntries({
      x509CAs: [{ slotId: 'A', issuedAt: 1, certificate: new Uint8Array(), upstreamChain: [], status: 'ACTIVE', authorityId: '', notAfter: 2, upstreamAuthorityId: '' }],
      jwtKeys: [{ slotId: 'B', issuedAt: 0, notAfter: 300, kid: 'k', publicKey: new Uint8Array(), status: 'OLD', authorityId: 'k' }],
      witKeysRaw: [],
    });
    // Entries.x509CAs = 1 (LEN): X509CAEntry{slot_id=1 "A", issued_at=2 1, status=5 ACTIVE(3), not_after=7 2}
    // Entries.jwtKeys = 2 (LEN): JWTKeyEntry{slot_id=1 "B", not_after=3 300, kid=4 "k", status=6 OLD(4), authority_id=7 "k"}
    assert.deepEqual(
      [...bytes],
      [0x0a, 9, 0x0a, 1, 0x41, 0x10, 1, 0x28, 3, 0x38, 2, 0x12, 14, 0x0a, 1, 0x42, 0x18, 0xac, 0x02, 0x22, 1, 0x6b, 0x30, 4, 0x3a, 1, 0x6b],
    );
  });

  it('round-trips every field and keeps WIT key entries untouched', () => {
    const j: JournalEntries = {
      x509CAs: [
        {
          slotId: 'B',
          issuedAt: 1_795_000_000,
          certificate: Uint8Array.of(1, 2, 3),
          upstreamChain: [Uint8Array.of(4), Uint8Array.of(5, 6)],
          status: 'PREPARED',
          authorityId: 'abcd',
          notAfter: 1_796_000_000,
          upstreamAuthorityId: 'ef01',
        },
      ],
      jwtKeys: [{ slotId: 'A', issuedAt: 5, notAfter: 6, kid: 'kid', publicKey: Uint8Array.of(9), status: 'ACTIVE', authorityId: 'kid' }],
      witKeysRaw: [Uint8Array.of(0x0a, 1, 0x41)],
    };
    const back = decodeJournalEntries(encodeJournalEntries(j));
    assert.deepEqual(back, j);
  });

  it('tells whether every authority expired before a time', () => {
    const data = encodeJournalEntries({
      x509CAs: [{ slotId: 'A', issuedAt: 0, certificate: new Uint8Array(), upstreamChain: [], status: 'OLD', authorityId: 'a', notAfter: 100, upstreamAuthorityId: '' }],
      jwtKeys: [{ slotId: 'A', issuedAt: 0, notAfter: 200, kid: 'k', publicKey: new Uint8Array(), status: 'OLD', authorityId: 'k' }],
      witKeysRaw: [],
    });
    assert.equal(journalAllExpiredBefore(data, 150), false);
    assert.equal(journalAllExpiredBefore(data, 200), true);
  });

  it('rejects truncated data', () => {
    assert.throws(() => decodeJournalEntries(Uint8Array.of(0x0a, 9, 0x0a)), /truncated journal/);
  });
});
