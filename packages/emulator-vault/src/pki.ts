/**
 * Vault's PKI secrets engine, the one route SPIRE calls: `root/sign-intermediate`. The mount's
 * issuer is an intermediate CA under an offline root (both EC P-256), so that the answer has a
 * real chain. As Vault does (without `use_csr_values`), the CA certificate takes its subject from
 * `common_name`, `organization` and `country`, its URI SANs from `uri_sans`, and the CSR's key;
 * it is CA:true, valid for `ttl` (default: the mount's max TTL), and a TTL past the issuer's
 * expiry is refused. The answer carries `certificate`, `issuing_ca` and `ca_chain`, which since
 * Vault 1.11 starts with the signed certificate itself.
 */
import { issue, newSerial, x509, type EmulatorRequest, type Issued, type Route } from '@spire-ts/emulator-kit';
import { badRequest, jsonBody, namespaceOf, tokenOf, WRITE_METHODS } from './request.js';
import { parseTtl } from './ttl.js';
import type { TokenStore } from './tokens.js';

/** One certificate the engine signed. */
export interface SignedIntermediate {
  certificatePem: string;
  commonName: string;
  uriSans: string[];
  ttl: number | undefined;
}

/** The PKI engine at one mount. */
export class PkiEngine {
  /** Default TTL of a signed intermediate, seconds (Vault's mount default, 768 h). */
  defaultTtl = 768 * 3600;
  /** Everything signed, in order. */
  readonly signed: SignedIntermediate[] = [];

  private constructor(
    private readonly tokens: TokenStore,
    readonly mount: string,
    /** The offline root the issuer chains to. */
    readonly root: Issued,
    /** The mount's issuing CA. */
    readonly issuer: Issued,
  ) {}

  /** Makes the engine's root (10 years) and issuing CA (5 years). */
  static async create(tokens: TokenStore, mount = 'pki'): Promise<PkiEngine> {
    const year = 365 * 24 * 3600_000;
    const root = await issue({ subject: 'CN=Vault Emulator Root CA, O=SPIRE tests', ca: true, notAfter: new Date(Date.now() + 10 * year) });
    const issuer = await issue({ subject: 'CN=Vault Emulator Intermediate CA, O=SPIRE tests', ca: true, notAfter: new Date(Date.now() + 5 * year) }, root);
    return new PkiEngine(tokens, mount, root, issuer);
  }

  /** The routes. */
  routes(): Route[] {
    return WRITE_METHODS.map((method) => ({
      method,
      path: `/v1/${this.mount}/root/sign-intermediate`,
      name: 'pki.sign-intermediate',
      handler: (req: EmulatorRequest) => this.signIntermediate(req),
    }));
  }

  private async signIntermediate(req: EmulatorRequest) {
    this.tokens.check(tokenOf(req), namespaceOf(req));
    const body = jsonBody(req);
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const list = (k: string) => str(k).split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (!str('csr')) throw badRequest('"csr" is empty');
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(str('csr'));
    } catch {
      throw badRequest('certificate request could not be parsed');
    }
    if (!(await csr.verify())) throw badRequest('request signature invalid');
    const commonName = str('common_name');
    if (!commonName && list('uri_sans').length === 0) throw badRequest('the common_name field is required');
    const ttl = parseTtl(body.ttl);
    const notAfter = new Date(Date.now() + (ttl ?? this.defaultTtl) * 1000);
    if (notAfter > this.issuer.cert.notAfter) {
      throw badRequest(`cannot satisfy request, as TTL would result in notAfter of ${notAfter.toISOString()} that is beyond the expiration of the CA certificate at ${this.issuer.cert.notAfter.toISOString()}`);
    }
    const subject: x509.JsonName = [];
    for (const c of list('country')) subject.push({ C: [c] });
    for (const o of list('organization')) subject.push({ O: [o] });
    if (commonName) subject.push({ CN: [commonName] });
    const publicKey = await csr.publicKey.export();
    const uriSans = list('uri_sans');
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(this.issuer.keys.publicKey),
    ];
    if (uriSans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(uriSans.map((value) => ({ type: 'url' as const, value }))));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: newSerial(),
      subject,
      issuer: this.issuer.cert.subject,
      notBefore: new Date(Date.now() - 30_000),
      notAfter,
      publicKey,
      signingKey: this.issuer.keys.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions,
    });
    const certificatePem = cert.toString('pem');
    this.signed.push({ certificatePem, commonName, uriSans, ttl });
    const issuingCa = this.issuer.cert.toString('pem');
    return {
      json: {
        lease_id: '',
        renewable: false,
        lease_duration: 0,
        data: {
          certificate: certificatePem,
          issuing_ca: issuingCa,
          ca_chain: [certificatePem, issuingCa, this.root.cert.toString('pem')],
          serial_number: cert.serialNumber.match(/../g)!.join(':'),
          expiration: Math.floor(notAfter.getTime() / 1000),
        },
        warnings: null,
      },
    };
  }
}
