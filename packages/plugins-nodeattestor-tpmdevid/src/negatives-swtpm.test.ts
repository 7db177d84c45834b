import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code, parseCert } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { startFixture, swtpmSkip, type Fixture } from './swtpm-fixture.test-support.js';
import { KEY_ATTRIBUTES, TestCa, TpmDevidAgent, type TpmKey } from './testing/index.js';
import * as x509 from './testing/x509-lib.js';
import { decodeChallenge, encodeChallengeResponse } from './wire.js';

const bad = Code.INVALID_ARGUMENT;
const unknownAuthority = 'x509: certificate signed by unknown authority';

describe('tpm_devid on a swtpm: every attack of the issue is refused', { skip: swtpmSkip }, () => {
  let f: Fixture;
  let other: TpmKey;
  before(async () => {
    f = await startFixture('rsa');
    other = await TpmDevidAgent.createKey(f.tpm, 'other', 'rsa', KEY_ATTRIBUTES.devId);
  });
  after(() => f?.close());

  it('a DevID certificate from an unknown CA', async () => {
    const stranger = await TestCa.create('Stranger DevID CA');
    const leaf = await stranger.issue({ cn: 'node-1', publicKey: f.agent.devId.publicKey });
    await rejectsWith(
      f.attestor().attest(await f.agent.payload([leaf]), f.agent.respond()),
      bad,
      `unable to verify DevID signature: verification failed: ${unknownAuthority}`,
    );
  });

  it('an EK certificate not under the endorsement roots', async () => {
    const attestor = f.attestor({ devid_ca_path: f.devIdCaPath, endorsement_ca_path: f.devIdCaPath });
    await rejectsWith(
      attestor.attest(await f.agent.payload(f.chain), f.agent.respond()),
      bad,
      `cannot verify EK signature: endorsement certificate verification failed: ${unknownAuthority}`,
    );
  });

  it('an EKPub that is not the EK certificate key (another RSA storage key of the same TPM)', async () => {
    await f.tpm.tool('tpm2_readpublic', '-c', 'srk.ctx', '-o', 'srk.pub');
    const srkPub = readFileSync(join(f.tpm.dir, 'srk.pub')).subarray(2);
    await rejectsWith(
      f.attestor().attest(await f.agent.payload(f.chain, { ekPub: srkPub }), f.agent.respond()),
      bad,
      'public key in EK certificate differs from public key created via EK template: modulus mismatch',
    );
  });

  it('a certification of a different key', async () => {
    const { attest, signature } = await f.agent.certify(other);
    await rejectsWith(
      f.attestor().attest(await f.agent.payload(f.chain, { certifiedDevId: attest, certificationSignature: signature }), f.agent.respond()),
      bad,
      'cannot verify that DevID is in the same TPM than AK: certify failed',
    );
  });

  it('a wrong activated nonce', async () => {
    const wrongNonce = async (bytes: Uint8Array) => {
      const c = decodeChallenge(bytes);
      return encodeChallengeResponse({ devId: await f.agent.sign(c.devId), credActivation: randomBytes(32) });
    };
    await rejectsWith(f.attestor().attest(await f.agent.payload(f.chain), wrongNonce), bad, 'credential activation failed: nonces are different');
  });

  it('a DevID signature made by another key', async () => {
    await rejectsWith(
      f.attestor().attest(await f.agent.payload(f.chain), f.agent.respond({ signer: other })),
      bad,
      'devID challenge verification failed: crypto/rsa: verification error',
    );
  });

  it('a DevID certificate whose key is not DevIDPub (a stolen DevID key beside a genuine TPM)', async () => {
    const stolen = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const leaf = await f.intermediate.issue({ cn: 'node-1', publicKey: stolen.publicKey });
    await rejectsWith(
      f.attestor().attest(await f.agent.payload([leaf, f.intermediate.der]), f.agent.respond()),
      bad,
      'public key in DevID certificate differs from DevID key public blob',
    );
  });

  it('an unrestricted AK', async () => {
    const loose = await TpmDevidAgent.createKey(f.tpm, 'looseak', 'rsa', KEY_ATTRIBUTES.devId);
    const { attest, signature } = await f.agent.certify(f.agent.devId, loose);
    await rejectsWith(
      f.attestor().attest(await f.agent.payload(f.chain, { akPub: loose.pub, certifiedDevId: attest, certificationSignature: signature }), f.agent.respond()),
      bad,
      'cannot verify that DevID is in the same TPM than AK: attestation key is not a restricted signing key (restricted, sign, fixedTPM, fixedParent and not decrypt)',
    );
  });

  it('a DevID key that may leave the TPM (no fixedTPM / fixedParent)', async () => {
    const movable = await TpmDevidAgent.createKey(f.tpm, 'movable', 'rsa', 'sensitivedataorigin|userwithauth|sign');
    const leaf = await f.intermediate.issue({ cn: 'node-1', publicKey: movable.publicKey });
    const { attest, signature } = await f.agent.certify(movable);
    await rejectsWith(
      f.attestor().attest(
        await f.agent.payload([leaf, f.intermediate.der], { devIdPub: movable.pub, certifiedDevId: attest, certificationSignature: signature }),
        f.agent.respond({ signer: movable }),
      ),
      bad,
      'cannot verify that DevID is in the same TPM than AK: DevID key is not bound to the TPM (fixedTPM, fixedParent and sensitiveDataOrigin)',
    );
  });

  it('the EK certificate swtpm_setup makes carries a critical directoryName SAN, and is tolerated', () => {
    const ek = new x509.X509Certificate(f.agent.ekCert);
    const san = ek.getExtension(x509.SubjectAlternativeNameExtension);
    assert.ok(san?.critical);
    assert.deepEqual(san.names.items.map((n) => n.type), ['dn']);
    assert.equal(parseCert(f.agent.ekCert).unhandledCritical.length, 0);
  });
});
