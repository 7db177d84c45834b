import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Code, SpireError } from '@spire-ts/core/plugin';
import * as x509 from './x509-lib.js';
import { issue, makeAttestor, payloadOf, pem, responder, tempFile, type Issued } from './test-pki.js';

const sha1 = (c: Issued) => createHash('sha1').update(c.der).digest('hex');

function refused(code: Code, message: string | RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SpireError, String(e));
    assert.equal(e.code, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

describe('x509pop attestation', async () => {
  const root = await issue({ cn: 'Root', ca: true });
  const bundle = tempFile('ca.pem', pem(root));

  it('attests an ECDSA leaf with the fingerprint ID and SPIRE selectors', async () => {
    const leaf = await issue({ cn: 'node-1', serial: '0a1b2c' }, root);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    const attrs = await a.attest(payloadOf(leaf), responder(leaf.privateKey));
    assert.deepEqual(attrs, {
      spiffeId: `spiffe://example.org/spire/agent/x509pop/${sha1(leaf)}`,
      selectorValues: ['subject:cn:node-1', `ca:fingerprint:${sha1(root)}`, 'serialnumber:0a1b2c'],
      canReattest: true,
    });
  });

  it('attests an RSA leaf (PSS proof) through an intermediate, with a fingerprint per CA', async () => {
    const inter = await issue({ cn: 'Intermediate', ca: true, key: { rsa: 2048 } }, root);
    const leaf = await issue({ cn: 'node-rsa', key: { rsa: 2048 }, serial: '01' }, inter);
    const a = await makeAttestor({ ca_bundle_paths: [bundle] });
    const attrs = await a.attest(payloadOf(leaf, inter), responder(leaf.privateKey));
    assert.deepEqual(attrs.selectorValues, [
      'subject:cn:node-rsa',
      `ca:fingerprint:${sha1(inter)}`,
      `ca:fingerprint:${sha1(root)}`,
      'serialnumber:01',
    ]);
  });

  it('emits san selectors from x509pop:// URI SANs, sorted by key', async () => {
    const leaf = await issue({ cn: 'n', serial: '05', uris: ['x509pop://example.org/rack/r12', 'x509pop://example.org/dc/us-1', 'x509pop://other.org/dc/x'] }, root);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    const attrs = await a.attest(payloadOf(leaf), responder(leaf.privateKey));
    assert.deepEqual(attrs.selectorValues.slice(-2), ['san:dc:us-1', 'san:rack:r12']);
  });

  it('renders agent_path_template with certificate fields and SPIRE extras', async () => {
    const leaf = await issue({ cn: 'Node-7', serial: '0f', uris: ['x509pop://example.org/dc/us-1'] }, root);
    const a = await makeAttestor({
      ca_bundle_path: bundle,
      agent_path_template: '/{{ .PluginName }}/{{ .TrustDomain }}/{{ .URISanSelectors.dc }}/{{ .Subject.CommonName | lower }}/{{ .SerialNumberHex }}',
    });
    const attrs = await a.attest(payloadOf(leaf), responder(leaf.privateKey));
    assert.equal(attrs.spiffeId, 'spiffe://example.org/spire/agent/x509pop/example.org/us-1/node-7/0f');
  });

  it('refuses an ID the template renders against the SPIFFE ID rules (INTERNAL, as SPIRE)', async () => {
    const leaf = await issue({ cn: 'has space' }, root);
    const a = await makeAttestor({ ca_bundle_path: bundle, agent_path_template: '/cn/{{ .Subject.CommonName }}' });
    await assert.rejects(a.attest(payloadOf(leaf), responder(leaf.privateKey)), refused(Code.INTERNAL, /^failed to make spiffe id: /));
    const noSlash = await makeAttestor({ ca_bundle_path: bundle, agent_path_template: 'cn/{{ .Fingerprint }}' });
    await assert.rejects(noSlash.attest(payloadOf(leaf), responder(leaf.privateKey)), refused(Code.INTERNAL, /^failed to make spiffe id: /));
  });

  it('refuses a leaf from another CA', async () => {
    const other = await issue({ cn: 'Other', ca: true });
    const leaf = await issue({ cn: 'n' }, other);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    await assert.rejects(
      a.attest(payloadOf(leaf), responder(leaf.privateKey)),
      refused(Code.PERMISSION_DENIED, 'certificate verification failed: x509: certificate signed by unknown authority'),
    );
  });

  it('refuses an expired leaf and a leaf not yet valid', async () => {
    const a = await makeAttestor({ ca_bundle_path: bundle });
    const old = await issue({ cn: 'n', notBefore: new Date(Date.now() - 7200_000), notAfter: new Date(Date.now() - 3600_000) }, root);
    await assert.rejects(
      a.attest(payloadOf(old), responder(old.privateKey)),
      refused(Code.PERMISSION_DENIED, /^certificate verification failed: x509: certificate has expired or is not yet valid: current time \S+ is after \S+$/),
    );
    const early = await issue({ cn: 'n', notBefore: new Date(Date.now() + 3600_000), notAfter: new Date(Date.now() + 7200_000) }, root);
    await assert.rejects(a.attest(payloadOf(early), responder(early.privateKey)), refused(Code.PERMISSION_DENIED, /is before/));
  });

  it('refuses a chain through an expired intermediate', async () => {
    const inter = await issue({ cn: 'Old Intermediate', ca: true, notBefore: new Date(Date.now() - 7200_000), notAfter: new Date(Date.now() - 3600_000) }, root);
    const leaf = await issue({ cn: 'n' }, inter);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    await assert.rejects(a.attest(payloadOf(leaf, inter), responder(leaf.privateKey)), refused(Code.PERMISSION_DENIED, /unknown authority \(possibly because of "x509: certificate has expired/));
  });

  it('refuses a chain through a non-CA certificate', async () => {
    const notCa = await issue({ cn: 'Not a CA', keyUsage: 1 | 32 }, root);
    const leaf = await issue({ cn: 'n' }, notCa);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    await assert.rejects(a.attest(payloadOf(leaf, notCa), responder(leaf.privateKey)), refused(Code.PERMISSION_DENIED, /unknown authority/));
  });

  it('honours a path length constraint', async () => {
    const limited = await issue({ cn: 'Limited Root', ca: true, pathLen: 0 });
    const inter = await issue({ cn: 'Inter', ca: true }, limited);
    const leaf = await issue({ cn: 'n' }, inter);
    const a = await makeAttestor({ ca_bundle_path: tempFile('l.pem', pem(limited)) });
    await assert.rejects(a.attest(payloadOf(leaf, inter), responder(leaf.privateKey)), refused(Code.PERMISSION_DENIED, /too many intermediates for path length constraint/));
  });

  it('refuses a leaf with an unhandled critical extension', async () => {
    const leaf = await issue({ cn: 'n', extra: [new x509.Extension('1.2.3.4.5', true, new Uint8Array([5, 0]))] }, root);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    await assert.rejects(a.attest(payloadOf(leaf), responder(leaf.privateKey)), refused(Code.PERMISSION_DENIED, 'certificate verification failed: x509: unhandled critical extension'));
  });

  it('refuses more intermediates than max_intermediates before parsing them', async () => {
    const leaf = await issue({ cn: 'n' }, root);
    const five = Array.from({ length: 5 }, () => root);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    await assert.rejects(a.attest(payloadOf(leaf, ...five), responder(leaf.privateKey)), refused(Code.INVALID_ARGUMENT, 'too many intermediate certificates'));
    const b = await makeAttestor({ ca_bundle_path: bundle, max_intermediates: 1 });
    await assert.rejects(b.attest(payloadOf(leaf, root, root), responder(leaf.privateKey)), refused(Code.INVALID_ARGUMENT, 'too many intermediate certificates'));
  });

  it('refuses RSA keys over max_rsa_key_size, leaf and intermediate', async () => {
    const rsaRoot = await issue({ cn: 'RSA Root', ca: true, key: { rsa: 2048 } });
    const bigInter = await issue({ cn: 'Big Inter', ca: true, key: { rsa: 3072 } }, rsaRoot);
    const bigLeaf = await issue({ cn: 'big', key: { rsa: 3072 } }, rsaRoot);
    const leaf = await issue({ cn: 'n' }, bigInter);
    const a = await makeAttestor({ ca_bundle_path: tempFile('r.pem', pem(rsaRoot)), max_rsa_key_size: 2048 });
    await assert.rejects(a.attest(payloadOf(bigLeaf), responder(bigLeaf.privateKey)), refused(Code.INVALID_ARGUMENT, 'leaf certificate key size too large'));
    await assert.rejects(a.attest(payloadOf(leaf, bigInter), responder(leaf.privateKey)), refused(Code.INVALID_ARGUMENT, 'intermediate certificate 0 key size too large'));
  });

  it('refuses a challenge signed by another key, and a malformed response', async () => {
    const leaf = await issue({ cn: 'n' }, root);
    const thief = await issue({ cn: 'n' }, root);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    await assert.rejects(a.attest(payloadOf(leaf), responder(thief.privateKey)), refused(Code.PERMISSION_DENIED, 'challenge response verification failed: ECDSA signature verify failed'));
    await assert.rejects(a.attest(payloadOf(leaf), async () => Buffer.from('nope')), refused(Code.INVALID_ARGUMENT, /^unable to unmarshal challenge response: /));
    await assert.rejects(
      a.attest(payloadOf(leaf), async () => Buffer.from('{"ecdsa_signature":{"nonce":"AAAA","r":"AQ==","s":"AQ=="}}')),
      refused(Code.PERMISSION_DENIED, 'challenge response verification failed: invalid response nonce'),
    );
    await assert.rejects(a.attest(payloadOf(leaf), async () => Buffer.from('{}')), refused(Code.PERMISSION_DENIED, 'challenge response verification failed: expecting ECDSA response'));
    const rsaLeaf = await issue({ cn: 'r', key: { rsa: 2048 } }, root);
    const rsaThief = await issue({ cn: 'r', key: { rsa: 2048 } }, root);
    await assert.rejects(a.attest(payloadOf(rsaLeaf), responder(rsaThief.privateKey)), refused(Code.PERMISSION_DENIED, 'challenge response verification failed: RSA signature verify failed'));
  });

  it('sends the challenge in SPIRE wire form', async () => {
    const leaf = await issue({ cn: 'n' }, root);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    let seen: unknown;
    await a.attest(payloadOf(leaf), async (c) => {
      seen = JSON.parse(Buffer.from(c).toString('utf8'));
      return responder(leaf.privateKey)(c);
    });
    const s = seen as { rsa_signature: null; ecdsa_signature: { nonce: string } };
    assert.deepEqual(Object.keys(s), ['rsa_signature', 'ecdsa_signature']);
    assert.equal(s.rsa_signature, null);
    assert.equal(Buffer.from(s.ecdsa_signature.nonce, 'base64').length, 32);
  });

  it('refuses to challenge a leaf whose key usage lacks digitalSignature (INTERNAL, as SPIRE)', async () => {
    const leaf = await issue({ cn: 'n', keyUsage: 4 }, root);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    await assert.rejects(a.attest(payloadOf(leaf), responder(leaf.privateKey)), refused(Code.INTERNAL, 'unable to generate challenge: certificate not intended for digital signature use'));
  });

  it('reads Go-style JSON: case-insensitive field names', async () => {
    const leaf = await issue({ cn: 'n' }, root);
    const a = await makeAttestor({ ca_bundle_path: bundle });
    const payload = Buffer.from(JSON.stringify({ Certificates: [leaf.der.toString('base64')] }));
    const attrs = await a.attest(payload, responder(leaf.privateKey));
    assert.match(attrs.spiffeId, /\/spire\/agent\/x509pop\/[0-9a-f]{40}$/);
  });
});

describe('x509pop verify_client_ip', async () => {
  const root = await issue({ cn: 'Root', ca: true });
  const bundle = tempFile('ca.pem', pem(root));
  const leaf = await issue({ cn: 'n', ips: ['10.0.0.7', '2001:db8::1'] }, root);

  it('accepts a peer whose IP is a SAN, IPv4-mapped or IPv6', async () => {
    const a = await makeAttestor({ ca_bundle_path: bundle, verify_client_ip: true });
    await a.attest(payloadOf(leaf), responder(leaf.privateKey), { clientIp: '10.0.0.7' });
    await a.attest(payloadOf(leaf), responder(leaf.privateKey), { clientIp: '::ffff:10.0.0.7' });
    await a.attest(payloadOf(leaf), responder(leaf.privateKey), { clientIp: '2001:db8:0::1' });
  });

  it('refuses a peer whose IP is not a SAN, and fails without a peer IP', async () => {
    const a = await makeAttestor({ ca_bundle_path: bundle, verify_client_ip: true });
    await assert.rejects(a.attest(payloadOf(leaf), responder(leaf.privateKey), { clientIp: '10.0.0.8' }), refused(Code.PERMISSION_DENIED, 'client IP 10.0.0.8 does not match any certificate IP SAN'));
    await assert.rejects(a.attest(payloadOf(leaf), responder(leaf.privateKey)), refused(Code.INTERNAL, 'client IP not available for verification'));
  });
});
