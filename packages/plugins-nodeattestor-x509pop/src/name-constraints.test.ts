import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints } from '@peculiar/asn1-x509';
import { checkNameConstraints, Code, SpireError, type NameConstraintSet, type Sans } from '@spire-ts/core/plugin';
import { issue, makeAttestor, payloadOf, pem, responder, tempFile } from './test-pki.js';
import * as x509 from './x509-lib.js';

const none: Sans = { dnsNames: [], emails: [], uris: [], ips: [] };

describe('name constraints (Go semantics)', () => {
  const set: NameConstraintSet = {
    permitted: [
      { kind: 'dns', value: '.example.org' },
      { kind: 'dns', value: 'example.net' },
      { kind: 'email', value: 'example.org' },
      { kind: 'email', value: 'ops@corp.com' },
      { kind: 'uri', value: '.example.org' },
      { kind: 'ip', value: '10.0.0.0/8' },
    ],
    excluded: [{ kind: 'dns', value: 'bad.example.org' }],
  };
  const ok = (sans: Partial<Sans>) => assert.equal(checkNameConstraints({ ...none, ...sans }, set), undefined);
  const no = (sans: Partial<Sans>, re: RegExp) => assert.match(checkNameConstraints({ ...none, ...sans }, set) ?? '', re);

  it('matches DNS names: a leading dot means strict subdomains; no dot means the domain and below', () => {
    ok({ dnsNames: ['a.example.org', 'A.B.EXAMPLE.ORG', 'example.net', 'x.example.net'] });
    no({ dnsNames: ['example.org'] }, /DNS name "example.org" is not permitted by any constraint/);
    no({ dnsNames: ['notexample.net'] }, /not permitted/);
    no({ dnsNames: ['bad.example.org'] }, /^x509: a root or intermediate certificate is not authorized for this name: DNS name "bad.example.org" is excluded by constraint "bad.example.org"$/);
  });

  it('matches emails by mailbox or by domain, URIs by host, IPs by network', () => {
    ok({ emails: ['x@example.org', 'ops@corp.com'], uris: ['spiffe://a.example.org/x'], ips: ['10.1.2.3'] });
    no({ emails: ['dev@corp.com'] }, /email address "dev@corp.com" is not permitted/);
    no({ uris: ['spiffe://example.com/x'] }, /URI "spiffe:\/\/example.com\/x" is not permitted/);
    no({ uris: ['https://10.0.0.1/'] }, /URI with IP/);
    no({ ips: ['192.168.0.1'] }, /IP address "192.168.0.1" is not permitted/);
  });

  it('leaves kinds without permitted subtrees unconstrained', () => {
    assert.equal(checkNameConstraints({ ...none, dnsNames: ['anything.com'] }, { permitted: [{ kind: 'ip', value: '10.0.0.0/8' }], excluded: [] }), undefined);
  });
});

describe('x509pop with a name-constrained CA', async () => {
  const nc = new NameConstraints({
    permittedSubtrees: new GeneralSubtrees([new GeneralSubtree({ base: new GeneralName({ dNSName: '.nodes.example.org' }) })]),
  });
  const root = await issue({ cn: 'Constrained Root', ca: true, extra: [new x509.Extension('2.5.29.30', true, AsnConvert.serialize(nc))] });
  const bundle = tempFile('nc.pem', pem(root));

  it('accepts a leaf whose SANs are permitted and refuses one whose SANs are not', async () => {
    const a = await makeAttestor({ ca_bundle_path: bundle });
    const good = await issue({ cn: 'n', dns: ['n1.nodes.example.org'] }, root);
    await a.attest(payloadOf(good), responder(good.privateKey));
    const bad = await issue({ cn: 'n', dns: ['n1.elsewhere.org'] }, root);
    await assert.rejects(
      a.attest(payloadOf(bad), responder(bad.privateKey)),
      (e: unknown) => e instanceof SpireError && e.code === Code.PERMISSION_DENIED && /DNS name \\"n1.elsewhere.org\\" is not permitted by any constraint/.test(e.message),
    );
  });
});
