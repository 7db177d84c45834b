import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CertificateAuthorityServiceClient } from '@google-cloud/security-private-ca';
import { GcpEmulator } from './emulator.js';

let gcp: GcpEmulator;
let client: CertificateAuthorityServiceClient;
before(async () => {
  gcp = await GcpEmulator.start();
  Object.assign(process.env, gcp.env());
  const u = new URL(gcp.url);
  client = new CertificateAuthorityServiceClient({ apiEndpoint: u.hostname, port: Number(u.port), protocol: 'http', fallback: true });
});
after(async () => {
  await client.close();
  await gcp.close();
});

/** The REST fallback rejects with the HTTP status and Google's JSON error as the message. */
const apiStatus = (status: number, grpc: string) => (e: { status?: number; message?: string }) =>
  e.status === status && (JSON.parse(e.message ?? '{}') as { error?: { status?: string } }).error?.status === grpc;

const region = 'projects/test-project/locations/us-central1';

describe('CA Service emulator through @google-cloud/security-private-ca (REST)', () => {
  it('lists pools and CAs by label across pages, with state, createTime, lifetime and the CA chain', async () => {
    const root = await gcp.privateca.createCertificateAuthority({ pool: 'list', id: 'root', labels: { team: 'spire' } });
    for (let i = 0; i < 3; i++) await gcp.privateca.createCertificateAuthority({ pool: 'list', id: `sub${i}`, issuer: root.name, labels: { team: 'spire' }, state: i === 2 ? 'DISABLED' : 'ENABLED' });
    await gcp.privateca.createCertificateAuthority({ pool: 'list', id: 'other', labels: { team: 'other' } });
    const [pools] = await client.listCaPools({ parent: region });
    assert.ok(pools.some((p) => p.name === `${region}/caPools/list`));
    const [cas] = await client.listCertificateAuthorities({ parent: `${region}/caPools/list`, filter: 'labels.team:spire', pageSize: 2 });
    assert.deepEqual(cas.map((c) => c.name!.split('/').pop()), ['root', 'sub0', 'sub1', 'sub2']);
    assert.equal(gcp.calls('privateca.certificateAuthorities.list').length, 2, 'two pages');
    const sub2 = cas[3]!;
    assert.equal(sub2.state, 'DISABLED');
    assert.equal(Number(sub2.lifetime!.seconds), 10 * 365 * 86400);
    assert.ok(Number(sub2.createTime!.seconds) > 0);
    assert.equal(sub2.pemCaCertificates!.length, 2);
    assert.equal(sub2.pemCaCertificates![1], root.signer.certPem);
  });

  it('issues a CA certificate from a public key, by the named CA; the same certificateId again is ALREADY_EXISTS', async () => {
    const ca = await gcp.privateca.createCertificateAuthority({ pool: 'issue', id: 'ca' });
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const request = {
      parent: `${region}/caPools/issue`,
      certificateId: 'abc_DEF-1',
      issuingCertificateAuthorityId: 'ca',
      certificate: {
        lifetime: { seconds: 600 },
        config: {
          publicKey: { format: 'PEM' as const, key: Buffer.from(pem) },
          subjectConfig: { subject: { commonName: 'srv', organization: 'SPIFFE' }, subjectAltName: { uris: ['spiffe://example.org'] } },
          x509Config: { caOptions: { isCa: true, maxIssuerPathLength: 0 }, keyUsage: { baseKeyUsage: { certSign: true, crlSign: true } } },
        },
      },
    };
    const [cert] = await client.createCertificate(request);
    const x = new X509Certificate(cert.pemCertificate!);
    assert.equal(x.subject, 'O=SPIFFE\nCN=srv');
    assert.equal(x.subjectAltName, 'URI:spiffe://example.org');
    assert.ok(x.ca);
    assert.ok(x.checkIssued(new X509Certificate(ca.signer.certPem)));
    assert.ok(x.publicKey.equals(createPublicKey(pem)));
    assert.deepEqual(cert.pemCertificateChain, [ca.signer.certPem]);
    await assert.rejects(client.createCertificate(request), apiStatus(409, 'ALREADY_EXISTS'));
  });

  it('refuses a disabled CA and requires a bearer token', async () => {
    await gcp.privateca.createCertificateAuthority({ pool: 'off', id: 'ca', state: 'DISABLED' });
    await assert.rejects(client.createCertificate({ parent: `${region}/caPools/off`, issuingCertificateAuthorityId: 'ca', certificate: {} }), apiStatus(400, 'FAILED_PRECONDITION'));
    const res = await fetch(`${gcp.url}/v1/${region}/caPools`);
    assert.equal(res.status, 401);
  });
});
