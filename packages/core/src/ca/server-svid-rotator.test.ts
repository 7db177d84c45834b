import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { silentLogger } from '../log/logger.js';
import { InlineSigningPool } from './pool/signing-pool.fake.js';
import { makeCA } from './test-support/fixture.js';
import { opensslText, opensslVerify } from './test-support/openssl.js';
import { ServerSVIDRotator } from './server-svid-rotator.js';

describe('server SVID rotation', () => {
  it('mints spiffe://<td>/spire/server and rotates it after half its lifetime', async () => {
    const { ca, clock, cert } = await makeCA(new InlineSigningPool());
    const r = new ServerSVIDRotator({ ca, clock, log: silentLogger() });
    const seen: string[] = [];
    r.subscribe((s) => seen.push(new X509Certificate(Buffer.from(s.certChain[0]!)).serialNumber));
    assert.equal(await r.rotate(), true);
    const first = r.state()!;
    assert.ok(opensslVerify([cert.der], first.certChain[0]!).ok);
    assert.match(opensslText(first.certChain[0]!), /URI:spiffe:\/\/example.org\/spire\/server\n/);
    // The key handed out matches the certificate.
    assert.ok(new X509Certificate(Buffer.from(first.certChain[0]!)).checkPrivateKey(first.privateKey));

    clock.add(29 * 60_000);
    assert.equal(await r.rotate(), false, 'not yet half of the 1h default TTL');
    clock.add(2 * 60_000);
    assert.equal(await r.rotate(), true);
    assert.notEqual(r.state()!.certChain[0], first.certChain[0]);
    assert.equal(seen.length, 2);
    assert.notEqual(seen[0], seen[1]);
  });

  it('is replaced at once when its chain leads to a tainted authority, and only then', async () => {
    const { ca, clock, cert } = await makeCA(new InlineSigningPool());
    const other = await makeCA(new InlineSigningPool());
    const r = new ServerSVIDRotator({ ca, clock, log: silentLogger() });
    const rotated: Uint8Array[] = [];
    r.subscribe((s) => rotated.push(s.certChain[0]!));
    await r.rotate();
    const first = r.state()!.certChain[0]!;
    ca.notifyTaintedX509Authorities([other.cert.der]);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(rotated.length, 1, 'an authority it does not chain to changes nothing');
    ca.notifyTaintedX509Authorities([cert.der]);
    const start = Date.now();
    while (rotated.length < 2 && Date.now() - start < 5000) await new Promise((res) => setTimeout(res, 10));
    assert.equal(rotated.length, 2, 'rotated without waiting for half its lifetime');
    assert.notDeepEqual(r.state()!.certChain[0], first);
    assert.equal(await r.rotate(), false, 'the flag is cleared by the rotation');
    r.stop();
    ca.notifyTaintedX509Authorities([cert.der]);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(rotated.length, 2, 'a stopped rotator no longer listens');
  });
});
