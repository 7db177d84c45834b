import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAttestor, responder } from './test-pki.js';

// A CA, an intermediate and an RSA leaf made by openssl (a tool nobody here wrote), checked by
// `openssl verify` and then attested.
describe('x509pop with an openssl-made PKI', () => {
  it('attests an openssl chain that openssl verify accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x509pop-openssl-'));
    const f = (n: string) => join(dir, n);
    const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    writeFileSync(f('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    writeFileSync(f('leaf.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nsubjectAltName=URI:x509pop://example.org/zone/z1\n');
    ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/CN=Openssl Root', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=Openssl Intermediate');
    ossl('x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'int.pem', '-days', '1', '-extfile', 'ca.ext');
    ossl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=openssl-node/O=Acme');
    ossl('x509', '-req', '-in', 'leaf.csr', '-CA', 'int.pem', '-CAkey', 'int.key', '-set_serial', '0x0abc', '-out', 'leaf.pem', '-days', '1', '-extfile', 'leaf.ext');
    assert.match(ossl('verify', '-CAfile', 'root.pem', '-untrusted', 'int.pem', 'leaf.pem'), /leaf.pem: OK/);

    const der = (n: string) => Buffer.from(new X509Certificate(readFileSync(f(n))).raw);
    const leaf = der('leaf.pem');
    const inter = der('int.pem');
    const payload = Buffer.from(JSON.stringify({ certificates: [leaf.toString('base64'), inter.toString('base64')] }));
    const a = await makeAttestor({ ca_bundle_path: f('root.pem'), agent_path_template: '/{{ index .Subject.Organization 0 }}/{{ .Subject.CommonName }}' });
    const attrs = await a.attest(payload, responder(createPrivateKey(readFileSync(f('leaf.key')))));
    const fp = (d: Buffer) => createHash('sha1').update(d).digest('hex');
    assert.deepEqual(attrs, {
      spiffeId: 'spiffe://example.org/spire/agent/Acme/openssl-node',
      selectorValues: ['subject:cn:openssl-node', `ca:fingerprint:${fp(inter)}`, `ca:fingerprint:${fp(der('root.pem'))}`, 'serialnumber:0abc', 'san:zone:z1'],
      canReattest: true,
    });
  });
});
