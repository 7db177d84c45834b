import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { Code } from '../../errors.js';
import { opensslText, opensslVerify } from '../../testing/openssl.js';
import { makeCaCsr } from './ca-csr.js';
import type { MintX509CAResponse, UpstreamAuthority } from './contract.js';

/** A server CA CSR for `uri`; `tamper` flips a byte of the signature, the last field of the DER. */
async function caCsr(uri: string, tamper = false): Promise<{ csr: Uint8Array; spki: Uint8Array }> {
  const { der, spki } = await makeCaCsr([uri]);
  if (tamper) der[der.length - 3]! ^= 1;
  return { csr: der, spki };
}

async function first<T = MintX509CAResponse>(it: AsyncIterable<T>): Promise<T> {
  for await (const r of it) return r;
  throw new Error('stream ended without a response');
}

/**
 * Registers the UpstreamAuthority contract tests (node:test) for one implementation. `setup`
 * returns the authority configured for `trustDomain` (e.g. "example.org").
 *
 * What it checks: a server CA CSR is signed into a CA certificate for the CSR's key, which
 * `openssl verify` chains to the returned upstream roots (through the returned intermediates) and
 * whose lifetime honours the preferred TTL; a CSR with a bad signature or without the trust domain
 * URI is refused with a coded error; publishing a JWT key either is UNIMPLEMENTED or returns a
 * key set that holds the key; the local bundle stream, when there is one (an external plugin
 * always has the method, and answers UNIMPLEMENTED without it), first sends the upstream roots
 * that a minted CA chains to.
 */
export function runUpstreamAuthorityContract(
  name: string,
  setup: () => Promise<{ ua: UpstreamAuthority; trustDomain: string; close(): Promise<void> }>,
): void {
  describe(`UpstreamAuthority contract: ${name}`, () => {
    let ua: UpstreamAuthority;
    let td: string;
    let close: () => Promise<void>;
    before(async () => {
      const s = await setup();
      ua = s.ua;
      td = s.trustDomain;
      close = s.close;
    });
    after(async () => {
      await close?.();
    });

    it('signs the server CA CSR into a CA that chains to the upstream roots', async () => {
      const { csr, spki } = await caCsr(`spiffe://${td}`);
      const start = Date.now();
      const res = await first(ua.mintX509CAAndSubscribe({ csr, preferredTtlSeconds: 1800 }));
      assert.ok(res.x509CaChain.length >= 1);
      assert.ok(res.upstreamX509Roots.length >= 1);
      const ca = new X509Certificate(res.x509CaChain[0]!);
      assert.deepEqual(ca.publicKey.export({ format: 'der', type: 'spki' }), Buffer.from(spki), 'the CA certificate is for the CSR key');
      assert.equal(ca.ca, true);
      assert.ok(new Date(ca.validTo).getTime() <= start + 1800_000 + 2000, 'no longer than the preferred TTL');
      const v = opensslVerify(res.upstreamX509Roots.map((r) => r.asn1), res.x509CaChain[0]!, res.x509CaChain.slice(1));
      assert.ok(v.ok, v.out);
      const text = opensslText(res.x509CaChain[0]!);
      assert.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE/);
      assert.match(text, /Certificate Sign, CRL Sign/);
      assert.match(text, new RegExp(`URI:spiffe://${td.replace(/\./g, '\\.')}\\s*\\n`));
    });

    it('refuses a CSR whose signature does not verify', async () => {
      await assert.rejects(first(ua.mintX509CAAndSubscribe({ csr: (await caCsr(`spiffe://${td}`, true)).csr, preferredTtlSeconds: 600 })), (e: unknown) => {
        assert.equal(typeof (e as { code?: unknown }).code, 'number');
        assert.notEqual((e as { code: number }).code, Code.OK);
        return true;
      });
    });

    it('refuses a CSR for another trust domain', async () => {
      await assert.rejects(first(ua.mintX509CAAndSubscribe({ csr: (await caCsr('spiffe://not-mine.test')).csr, preferredTtlSeconds: 600 })), (e: unknown) => {
        assert.equal(typeof (e as { code?: unknown }).code, 'number');
        assert.match((e as Error).message, /trust domain/);
        return true;
      });
    });

    it('publishes a JWT key or says UNIMPLEMENTED', async () => {
      const { spki } = await caCsr(`spiffe://${td}`);
      try {
        for await (const r of ua.publishJWTKeyAndSubscribe({ publicKey: spki, keyId: 'kid-1', expiresAt: Math.floor(Date.now() / 1000) + 600, tainted: false })) {
          assert.ok(r.upstreamJwtKeys.some((k) => k.keyId === 'kid-1'));
          break;
        }
      } catch (e) {
        assert.equal((e as { code?: number }).code, Code.UNIMPLEMENTED);
      }
    });

    it('streams the local bundle, starting with the upstream roots, or says UNIMPLEMENTED', async () => {
      if (!ua.subscribeToLocalBundle) return;
      const minted = await first(ua.mintX509CAAndSubscribe({ csr: (await caCsr(`spiffe://${td}`)).csr, preferredTtlSeconds: 600 }));
      const ac = new AbortController();
      try {
        const update = await first(ua.subscribeToLocalBundle(ac.signal));
        const roots = update.upstreamX509Roots.map((r) => Buffer.from(r.asn1));
        for (const r of minted.upstreamX509Roots) assert.ok(roots.some((x) => x.equals(Buffer.from(r.asn1))), 'the minted CA\'s roots are in the stream');
      } catch (e) {
        assert.equal((e as { code?: number }).code, Code.UNIMPLEMENTED);
      } finally {
        ac.abort();
      }
    });
  });
}
