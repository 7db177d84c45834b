import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fingerprint, parseCert } from '@spire-ts/core/plugin';
import { startFixture, swtpmSkip } from './swtpm-fixture.test-support.js';
import { tpmName } from './tpm/tpm-name.js';
import { decodePublic } from './tpm/tpm-public.js';
import { decodeChallenge } from './wire.js';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

for (const kind of ['rsa', 'ecc'] as const) {
  describe(`tpm_devid on a swtpm: ${kind === 'rsa' ? 'RSA' : 'ECDSA'} DevID`, { skip: swtpmSkip }, () => {
    it('attests to tpm_devid/<sha1 of the DevID certificate> with SPIRE selectors, re-attestable', async () => {
      const f = await startFixture(kind);
      try {
        const attrs = await f.attestor().attest(await f.agent.payload(f.chain), f.agent.respond());
        assert.equal(attrs.spiffeId, `spiffe://example.org/spire/agent/tpm_devid/${sha1(f.chain[0]!)}`);
        assert.deepEqual(attrs.selectorValues, [
          'subject:cn:node-1',
          'issuer:cn:DevID Intermediate CA',
          `ca:fingerprint:${fingerprint(parseCert(f.intermediate.der))}`,
          `ca:fingerprint:${fingerprint(parseCert(f.root.der))}`,
        ]);
        assert.equal(attrs.canReattest, true);
        // Re-attestation with the same TPM and certificate gives the same ID.
        const again = await f.attestor().attest(await f.agent.payload(f.chain), f.agent.respond());
        assert.equal(again.spiffeId, attrs.spiffeId);
      } finally {
        f.close();
      }
    });
  });
}

describe('tpm_devid on a swtpm: what the TPM and the server agree on', { skip: swtpmSkip }, () => {
  it('accepts a DevID certificate issued with the openssl commands of docs/tpm.md', async () => {
    const f = await startFixture('rsa');
    try {
      const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: f.tpm.dir, stdio: 'pipe' });
      sh(
        'openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout devid-ca.key -out devid-ca.pem -days 365 ' +
          '-subj "/CN=DevID Root CA" -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign',
      );
      sh("echo 'keyUsage=critical,digitalSignature' > devid-ext.cnf");
      sh('openssl x509 -new -force_pubkey devid.pem -subj "/CN=node-1" -CA devid-ca.pem -CAkey devid-ca.key -days 30 -extfile devid-ext.cnf -outform der -out devid-cert.der');
      const leaf = readFileSync(join(f.tpm.dir, 'devid-cert.der'));
      const attestor = f.attestor({ devid_ca_path: join(f.tpm.dir, 'devid-ca.pem'), endorsement_ca_path: f.endorsementCaPath });
      const attrs = await attestor.attest(await f.agent.payload([leaf]), f.agent.respond());
      assert.equal(attrs.spiffeId, `spiffe://example.org/spire/agent/tpm_devid/${sha1(leaf)}`);
      assert.deepEqual(attrs.selectorValues.slice(0, 2), ['subject:cn:node-1', 'issuer:cn:DevID Root CA']);
    } finally {
      f.close();
    }
  });

  it('computes the AK Name as tpm2_load does, and challenges with a 32-byte nonce and a 68/256-byte credential', async () => {
    const f = await startFixture('rsa');
    try {
      await f.tpm.tool('tpm2_load', '-C', 'srk.ctx', '-u', 'ak.pub', '-r', 'ak.priv', '-c', 'ak2.ctx', '-n', 'ak.name');
      assert.ok(tpmName(decodePublic(f.agent.ak.pub)).equals(readFileSync(join(f.tpm.dir, 'ak.name'))));
      let seen: ReturnType<typeof decodeChallenge> | undefined;
      const respond = f.agent.respond();
      await f.attestor().attest(await f.agent.payload(f.chain), async (c) => {
        seen = decodeChallenge(c);
        return respond(c);
      });
      assert.equal(seen!.devId.length, 32);
      assert.equal(seen!.credActivation.credential.length, 68);
      assert.equal(seen!.credActivation.secret.length, 256);
    } finally {
      f.close();
    }
  });
});
