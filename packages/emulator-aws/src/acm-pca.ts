/**
 * ACM Private CA (JSON 1.1, `ACMPrivateCA.<Operation>`): private CAs with an in-memory root (and
 * optionally a subordinate that does the signing), DescribeCertificateAuthority,
 * IssueCertificate (a real certificate from the CSR, with the template's CA constraints) and
 * GetCertificate, which answers RequestInProgressException until the certificate is "ready".
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  defaultSigningAlgorithm,
  issueFromCsr,
  makeCa,
  signingFitsKey,
  type CaCredentials,
  type PcaKeyAlgorithm,
  type PcaSigningAlgorithm,
} from './acm-pca-ca.js';
import * as x509 from './acm-pca-x509.js';
import type { EmulatorEnv } from './env.js';
import { AwsError, epochSeconds, type ServiceModule } from './protocol.js';

/** A certificate the CA issued. */
export interface IssuedCertificate {
  readonly arn: string;
  readonly pem: string;
  readonly templateArn: string;
  readonly signingAlgorithm: string;
  /** GetCertificate calls answered so far (the first ones with RequestInProgressException). */
  polls: number;
}

/** One private CA. */
export interface PrivateCa {
  readonly arn: string;
  /** ACTIVE unless a test sets another status (CREATING, PENDING_CERTIFICATE, DISABLED, …). */
  status: string;
  readonly keyAlgorithm: PcaKeyAlgorithm;
  /** The CA's configured default signing algorithm. */
  readonly signingAlgorithm: PcaSigningAlgorithm;
  /** The root at the top of every chain. */
  readonly root: CaCredentials;
  /** The CA that signs: the root itself, or a subordinate of it. */
  readonly signer: CaCredentials;
  /** The chain GetCertificate returns with each certificate: issuer first, root last. */
  readonly chain: readonly CaCredentials[];
  readonly createdAt: Date;
  readonly issued: Map<string, IssuedCertificate>;
}

/** Options of {@link AcmPcaService.createCertificateAuthority}. */
export interface CreateCaOptions {
  keyAlgorithm?: PcaKeyAlgorithm;
  signingAlgorithm?: PcaSigningAlgorithm;
  /** When true the CA is a subordinate of a separate root (Type SUBORDINATE; chains hold both). */
  subordinate?: boolean;
  status?: string;
  /** The CA certificate's end (default one year after creation). */
  notAfter?: Date;
}

const TEMPLATE = /^arn:aws[\w-]*:acm-pca:::template\/([\w.]+)\/V\d+$/;
const CA_ARN = /^arn:aws[\w-]*:acm-pca:[\w-]+:\d{12}:certificate-authority\/[\w-]+$/;
const SIGNING = ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA', 'SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA'];
/** ACM PCA sets notBefore this far back by default. */
const BACKDATE_MS = 60 * 60_000;

/** The path length a template gives: a number, null (CA without limit) or undefined (end entity). */
function templatePathLength(templateArn: string): number | null | undefined {
  const name = TEMPLATE.exec(templateArn)?.[1];
  if (name === undefined) throw new AwsError('InvalidArgsException', `The template ARN ${templateArn} is not valid.`);
  if (name === 'EndEntityCertificate') return undefined;
  if (name === 'SubordinateCACertificate_PathLen0' || name === 'SubordinateCACertificate_PathLen1' || name === 'SubordinateCACertificate_PathLen2' || name === 'SubordinateCACertificate_PathLen3') {
    return Number(name.slice(-1));
  }
  throw new AwsError('InvalidArgsException', `The template ${name} is not supported by the emulator.`);
}

function validityEnd(v: { Type?: string; Value?: number } | undefined, now: Date): Date {
  const value = Number(v?.Value);
  if (!v || !Number.isFinite(value)) throw new AwsError('InvalidArgsException', 'Validity is required.');
  switch (v.Type) {
    case 'ABSOLUTE':
      return new Date(value * 1000);
    case 'DAYS':
      return new Date(now.getTime() + value * 86400_000);
    case 'YEARS':
      return new Date(now.getTime() + value * 365 * 86400_000);
    default:
      throw new AwsError('InvalidArgsException', `Validity type ${String(v.Type)} is not supported by the emulator.`);
  }
}

/** ACM Private CA state: the CAs by ARN. */
export class AcmPcaService {
  readonly cas = new Map<string, PrivateCa>();
  /** How many GetCertificate calls per certificate answer RequestInProgressException (default 1). */
  inProgressPolls = 1;

  constructor(readonly env: EmulatorEnv) {}

  /** Creates an ACTIVE CA (unless `status` says otherwise) and returns it. */
  async createCertificateAuthority(o: CreateCaOptions = {}): Promise<PrivateCa> {
    const keyAlgorithm = o.keyAlgorithm ?? 'EC_prime256v1';
    const createdAt = this.env.now();
    const notAfter = o.notAfter ?? new Date(createdAt.getTime() + 365 * 86400_000);
    const id = randomUUID();
    const notBefore = new Date(createdAt.getTime() - BACKDATE_MS);
    const root = await makeCa({ subject: `CN=Emulator PCA Root ${id.slice(0, 8)},O=Emulator`, keyAlgorithm, notBefore, notAfter });
    const signer = o.subordinate
      ? await makeCa({ subject: `CN=Emulator PCA Subordinate ${id.slice(0, 8)},O=Emulator`, keyAlgorithm, issuer: root, pathLength: 1, notBefore, notAfter })
      : root;
    const ca: PrivateCa = {
      arn: `arn:aws:acm-pca:${this.env.region}:${this.env.accountId}:certificate-authority/${id}`,
      status: o.status ?? 'ACTIVE',
      keyAlgorithm,
      signingAlgorithm: o.signingAlgorithm ?? defaultSigningAlgorithm(keyAlgorithm),
      root,
      signer,
      chain: o.subordinate ? [signer, root] : [root],
      createdAt,
      issued: new Map(),
    };
    this.cas.set(ca.arn, ca);
    return ca;
  }

  private ca(arn: unknown): PrivateCa {
    if (typeof arn !== 'string' || !CA_ARN.test(arn)) throw new AwsError('InvalidArnException', `String '${String(arn)}' is not a valid ARN.`);
    const ca = this.cas.get(arn);
    if (!ca) throw new AwsError('ResourceNotFoundException', `Could not find certificate authority ${arn}.`);
    return ca;
  }

  private describe(input: { CertificateAuthorityArn?: string }): unknown {
    const ca = this.ca(input.CertificateAuthorityArn);
    const cn = ca.signer.cert.subjectName.getField('CN')[0];
    return {
      CertificateAuthority: {
        Arn: ca.arn,
        OwnerAccount: this.env.accountId,
        CreatedAt: epochSeconds(ca.createdAt),
        Type: ca.signer === ca.root ? 'ROOT' : 'SUBORDINATE',
        Status: ca.status,
        NotBefore: epochSeconds(ca.signer.cert.notBefore),
        NotAfter: epochSeconds(ca.signer.cert.notAfter),
        KeyStorageSecurityStandard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
        UsageMode: 'GENERAL_PURPOSE',
        CertificateAuthorityConfiguration: {
          KeyAlgorithm: ca.keyAlgorithm,
          SigningAlgorithm: ca.signingAlgorithm,
          Subject: { CommonName: cn, Organization: 'Emulator' },
        },
      },
    };
  }

  private async issue(input: {
    CertificateAuthorityArn?: string;
    Csr?: string;
    SigningAlgorithm?: string;
    TemplateArn?: string;
    Validity?: { Type?: string; Value?: number };
  }): Promise<unknown> {
    const ca = this.ca(input.CertificateAuthorityArn);
    if (ca.status !== 'ACTIVE') throw new AwsError('InvalidStateException', `The certificate authority is in the ${ca.status} state.`);
    const signing = input.SigningAlgorithm ?? '';
    if (!SIGNING.includes(signing)) throw new AwsError('InvalidArgsException', `Signing algorithm ${signing} is not valid.`);
    if (!signingFitsKey(signing, ca.keyAlgorithm)) {
      throw new AwsError('InvalidArgsException', `Signing algorithm ${signing} is not compatible with the CA key algorithm ${ca.keyAlgorithm}.`);
    }
    const templateArn = input.TemplateArn ?? 'arn:aws:acm-pca:::template/EndEntityCertificate/V1';
    const pathLength = templatePathLength(templateArn);
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(Buffer.from(input.Csr ?? '', 'base64').toString('utf8'));
    } catch {
      throw new AwsError('MalformedCSRException', 'The certificate signing request is invalid.');
    }
    if (!(await csr.verify())) throw new AwsError('MalformedCSRException', 'The certificate signing request signature is invalid.');
    const now = this.env.now();
    const notAfter = validityEnd(input.Validity, now);
    if (notAfter.getTime() <= now.getTime()) throw new AwsError('InvalidArgsException', 'The validity end is in the past.');
    if (notAfter.getTime() > ca.signer.cert.notAfter.getTime()) {
      throw new AwsError('InvalidArgsException', 'The certificate validity specified exceeds the certificate authority validity.');
    }
    const cert = await issueFromCsr(ca.signer, csr, {
      signingAlgorithm: signing as PcaSigningAlgorithm,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter,
      pathLength,
    });
    const arn = `${ca.arn}/certificate/${randomBytes(16).toString('hex')}`;
    ca.issued.set(arn, { arn, pem: cert.toString('pem'), templateArn, signingAlgorithm: signing, polls: 0 });
    return { CertificateArn: arn };
  }

  private getCertificate(input: { CertificateAuthorityArn?: string; CertificateArn?: string }): unknown {
    const ca = this.ca(input.CertificateAuthorityArn);
    const issued = ca.issued.get(input.CertificateArn ?? '');
    if (!issued) throw new AwsError('ResourceNotFoundException', `Could not find certificate ${String(input.CertificateArn)}.`);
    if (issued.polls++ < this.inProgressPolls) {
      throw new AwsError('RequestInProgressException', 'The request is still in progress. Retry after some time.');
    }
    return { Certificate: issued.pem, CertificateChain: ca.chain.map((c) => c.certPem).join('\n') };
  }

  private getCaCertificate(input: { CertificateAuthorityArn?: string }): unknown {
    const ca = this.ca(input.CertificateAuthorityArn);
    const rest = ca.chain.slice(1);
    return { Certificate: ca.signer.certPem, ...(rest.length ? { CertificateChain: rest.map((c) => c.certPem).join('\n') } : {}) };
  }

  /** The wire module. */
  module(): ServiceModule {
    return {
      name: 'acm-pca',
      jsonTarget: 'ACMPrivateCA',
      json: {
        DescribeCertificateAuthority: (i) => this.describe(i),
        IssueCertificate: (i) => this.issue(i),
        GetCertificate: (i) => this.getCertificate(i),
        GetCertificateAuthorityCertificate: (i) => this.getCaCertificate(i),
      },
    };
  }
}
