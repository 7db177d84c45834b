import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { TpmAlg } from './tpm-alg.js';
import { AK_ATTRS, rsaKeys, rsaPublic } from './tpm-builders.test-support.js';
import { tpmName } from './tpm-name.js';
import { decodePublic } from './tpm-public.js';

describe('TPM Name', () => {
  it('is nameAlg followed by the nameAlg digest of the public area', () => {
    const raw = rsaPublic(rsaKeys().publicKey, { attributes: AK_ATTRS, scheme: TpmAlg.RSASSA });
    const name = tpmName(decodePublic(raw));
    assert.equal(name.toString('hex'), '000b' + createHash('sha256').update(raw).digest('hex'));
  });

  it('follows a SHA-384 nameAlg', () => {
    const raw = rsaPublic(rsaKeys().publicKey, { attributes: AK_ATTRS, nameAlg: TpmAlg.SHA384 });
    assert.equal(tpmName(decodePublic(raw)).toString('hex'), '000c' + createHash('sha384').update(raw).digest('hex'));
  });

  it('refuses a nameAlg that is not a hash', () => {
    const raw = rsaPublic(rsaKeys().publicKey, { attributes: AK_ATTRS, nameAlg: TpmAlg.NULL });
    assert.throws(() => tpmName(decodePublic(raw)), { message: 'unsupported hash algorithm 0x0010' });
  });
});
