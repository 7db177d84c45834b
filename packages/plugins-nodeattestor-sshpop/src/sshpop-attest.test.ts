import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Code, SpireError } from '@spire-ts/core/plugin';
import { certify, hostKey, makeAttestor, makeCa, payloadOf, responder, sshSign, type HostKeyKind } from './test-ssh.js';

function refused(code: Code, message: string | RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SpireError, String(e));
    assert.equal(e.code, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

const fp = (blob: Buffer) => createHash('sha256').update(blob).digest('base64url');

describe('sshpop attestation', () => {
  const ca = makeCa('ed25519');
  const rsaCa = makeCa('rsa');

  for (const kind of ['ed25519', 'ecdsa', 'rsa'] as HostKeyKind[]) {
    it(`attests a ${kind} host key certified by an RSA CA (rsa-sha2-512) with the fingerprint ID`, async () => {
      const key = hostKey(kind);
      const cert = certify(rsaCa, key);
      const a = await makeAttestor({ cert_authorities: [ca.publicLine, rsaCa.publicLine] });
      const attrs = await a.attest(payloadOf(cert), responder(key));
      assert.deepEqual(attrs, { spiffeId: `spiffe://example.org/spire/agent/sshpop/${fp(cert)}`, selectorValues: [], canReattest: true });
    });
  }

  it('reads CAs from cert_authorities_path, skipping blank lines', async () => {
    const key = hostKey('ecdsa');
    const file = join(ca.dir, 'cas-with-blank-lines.pub');
    // The CA that signs comes after blank lines, and blank lines follow it.
    writeFileSync(file, `\n${rsaCa.publicLine}\n\n\n${ca.publicLine}\n\n`);
    const a = await makeAttestor({ cert_authorities_path: file });
    const cert = certify(ca, key);
    const attrs = await a.attest(payloadOf(cert), responder(key));
    assert.equal(attrs.spiffeId, `spiffe://example.org/spire/agent/sshpop/${fp(cert)}`);
    const byRsa = certify(rsaCa, key);
    assert.equal((await a.attest(payloadOf(byRsa), responder(key))).spiffeId, `spiffe://example.org/spire/agent/sshpop/${fp(byRsa)}`);
  });

  it('renders agent_path_template with Hostname (after canonical_domain) and certificate fields', async () => {
    const key = hostKey('ed25519');
    const cert = certify(ca, key, { principals: ['web-1.prod.example.org', 'alias.example.org'] });
    const a = await makeAttestor({
      cert_authorities: [ca.publicLine],
      canonical_domain: 'prod.example.org',
      agent_path_template: '/{{ .PluginName }}/{{ .Hostname }}/{{ index .ValidPrincipals 1 }}/{{ .KeyId }}',
    });
    const attrs = await a.attest(payloadOf(cert), responder(key));
    assert.equal(attrs.spiffeId, 'spiffe://example.org/spire/agent/sshpop/web-1/alias.example.org/host-id');
  });

  it('refuses a principal outside canonical_domain', async () => {
    const key = hostKey('ed25519');
    const a = await makeAttestor({ cert_authorities: [ca.publicLine], canonical_domain: 'corp.net' });
    await assert.rejects(
      a.attest(payloadOf(certify(ca, key)), responder(key)),
      refused(Code.PERMISSION_DENIED, 'failed to decanonicalize hostname: cert principal is not in domain ".corp.net"'),
    );
  });

  it('refuses a certificate from another CA', async () => {
    const key = hostKey('ed25519');
    const a = await makeAttestor({ cert_authorities: [ca.publicLine] });
    await assert.rejects(
      a.attest(payloadOf(certify(rsaCa, key)), responder(key)),
      refused(Code.PERMISSION_DENIED, 'failed to check host key: ssh: no authorities for hostname: host.example.org:22'),
    );
  });

  it('refuses expired and not-yet-valid certificates', async () => {
    const key = hostKey('ed25519');
    const a = await makeAttestor({ cert_authorities: [ca.publicLine] });
    await assert.rejects(a.attest(payloadOf(certify(ca, key, { validity: '-2h:-1h' })), responder(key)), refused(Code.PERMISSION_DENIED, 'failed to check host key: ssh: cert has expired'));
    await assert.rejects(a.attest(payloadOf(certify(ca, key, { validity: '+1h:+2h' })), responder(key)), refused(Code.PERMISSION_DENIED, 'failed to check host key: ssh: cert is not yet valid'));
  });

  it('refuses a user certificate and a certificate without principals', async () => {
    const key = hostKey('ed25519');
    const a = await makeAttestor({ cert_authorities: [ca.publicLine] });
    await assert.rejects(a.attest(payloadOf(certify(ca, key, { user: true })), responder(key)), refused(Code.PERMISSION_DENIED, 'failed to check host key: ssh: certificate presented as a host key has type 1'));
    await assert.rejects(a.attest(payloadOf(certify(ca, key, { principals: [] })), responder(key)), refused(Code.PERMISSION_DENIED, 'cert has no valid principals'));
  });

  it('refuses a certificate whose CA signature was tampered with', async () => {
    const key = hostKey('ed25519');
    const cert = Buffer.from(certify(ca, key));
    cert[cert.length - 1] = cert[cert.length - 1]! ^ 1;
    const a = await makeAttestor({ cert_authorities: [ca.publicLine] });
    await assert.rejects(a.attest(payloadOf(cert), responder(key)), refused(Code.PERMISSION_DENIED, 'failed to check host key: ssh: certificate signature does not verify'));
  });

  it('refuses a bad challenge signature, a wrong format, a short nonce and a malformed response', async () => {
    const key = hostKey('ecdsa');
    const cert = certify(ca, key);
    const a = await makeAttestor({ cert_authorities: [ca.publicLine] });
    await assert.rejects(a.attest(payloadOf(cert), responder(hostKey('ecdsa'))), refused(Code.PERMISSION_DENIED, 'failed to verify signature: ssh: signature did not verify'));
    await assert.rejects(a.attest(payloadOf(cert), responder(hostKey('ed25519'))), refused(Code.PERMISSION_DENIED, 'failed to verify signature: ssh: signature type ssh-ed25519 for key type ecdsa-sha2-nistp256'));
    const shortNonce = async () => Buffer.from(JSON.stringify({ Nonce: 'AAAA', Signature: sshSign(key, Buffer.alloc(32)) }));
    await assert.rejects(a.attest(payloadOf(cert), shortNonce), refused(Code.PERMISSION_DENIED, 'failed to combine nonces: invalid response nonce size'));
    await assert.rejects(a.attest(payloadOf(cert), async () => Buffer.from('[')), refused(Code.INVALID_ARGUMENT, /^failed to unmarshal challenge response: /));
  });

  it('sends the challenge in SPIRE wire form', async () => {
    const key = hostKey('ed25519');
    const a = await makeAttestor({ cert_authorities: [ca.publicLine] });
    let seen: Record<string, unknown> = {};
    await a.attest(payloadOf(certify(ca, key)), async (c) => {
      seen = JSON.parse(Buffer.from(c).toString('utf8')) as Record<string, unknown>;
      return responder(key)(c);
    });
    assert.deepEqual(Object.keys(seen), ['Nonce']);
    assert.equal(Buffer.from(seen.Nonce as string, 'base64').length, 32);
  });

  it('refuses a rendered ID that breaks the SPIFFE ID rules (INTERNAL, as SPIRE)', async () => {
    const key = hostKey('ed25519');
    const a = await makeAttestor({ cert_authorities: [ca.publicLine], agent_path_template: '/{{ .Hostname }}/..' });
    await assert.rejects(a.attest(payloadOf(certify(ca, key)), responder(key)), refused(Code.INTERNAL, /^failed to create AgentID: /));
  });
});
