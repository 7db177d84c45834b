import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { Code, SpireError } from '@spire-ts/core/plugin';
import { sshString } from './ssh-wire.js';
import { hostKey, makeAttestor, payloadOf, responder, type HostKey } from './test-ssh.js';

// Certificates ssh-keygen will not make (critical options on host certificates, a "forever"
// validity), built by hand per OpenSSH's PROTOCOL.certkeys and signed by an Ed25519 CA.
const ca = generateKeyPairSync('ed25519');
const caBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from(ca.publicKey.export({ format: 'jwk' }).x!, 'base64url'))]);
const caLine = `ssh-ed25519 ${caBlob.toString('base64')} hand-ca`;

function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v);
  return b;
}
function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
}

function build(key: HostKey, o: { critical?: [string, string][]; validBefore?: bigint }): Buffer {
  const keyBlob = Buffer.from(key.line.split(' ')[1]!, 'base64');
  const pk = keyBlob.subarray(4 + 'ssh-ed25519'.length);
  const options = Buffer.concat((o.critical ?? []).map(([k, v]) => Buffer.concat([sshString(k), sshString(v === '' ? Buffer.alloc(0) : sshString(v))])));
  const body = Buffer.concat([
    sshString('ssh-ed25519-cert-v01@openssh.com'),
    sshString(randomBytes(32)),
    pk,
    u64(7n),
    u32(2),
    sshString('hand-built'),
    sshString(sshString('host.example.org')),
    u64(0n),
    u64(o.validBefore ?? 0xffffffffffffffffn),
    sshString(options),
    sshString(Buffer.alloc(0)),
    sshString(Buffer.alloc(0)),
    sshString(caBlob),
  ]);
  const sig = Buffer.concat([sshString('ssh-ed25519'), sshString(sign(null, body, ca.privateKey))]);
  return Buffer.concat([body, sshString(sig)]);
}

function refused(message: string) {
  return (e: unknown) => e instanceof SpireError && e.code === Code.PERMISSION_DENIED && e.message === message;
}

describe('sshpop with hand-built certificates', () => {
  it('accepts a certificate valid forever with a source-address critical option', async () => {
    const key = hostKey('ed25519');
    const a = await makeAttestor({
      cert_authorities: [caLine],
      agent_path_template: '/{{ .Serial }}/{{ index .CriticalOptions "source-address" | replace "/" "_" }}',
    });
    const attrs = await a.attest(payloadOf(build(key, { critical: [['source-address', '10.0.0.0/8']] })), responder(key));
    assert.equal(attrs.spiffeId, 'spiffe://example.org/spire/agent/7/10.0.0.0_8');
  });

  it('refuses any other critical option', async () => {
    const key = hostKey('ed25519');
    const a = await makeAttestor({ cert_authorities: [caLine] });
    await assert.rejects(
      a.attest(payloadOf(build(key, { critical: [['force-command', '/bin/true']] })), responder(key)),
      refused('failed to check host key: ssh: unsupported critical option "force-command" in certificate'),
    );
  });

  it('refuses a certificate that expired in 1970', async () => {
    const key = hostKey('ed25519');
    const a = await makeAttestor({ cert_authorities: [caLine] });
    await assert.rejects(a.attest(payloadOf(build(key, { validBefore: 1n })), responder(key)), refused('failed to check host key: ssh: cert has expired'));
  });
});
