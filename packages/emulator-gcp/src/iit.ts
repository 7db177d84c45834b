/**
 * Google's instance identity tokens: the public certificate endpoint that verifiers read
 * (`GET /oauth2/v1/certs`, `{kid: PEM certificate}` with an HTTP `Expires` header), the metadata
 * server's identity route that a GCE instance (a gcp_iit agent) asks for its token, and a signer
 * that mints RS256 tokens with the claims Google puts in them (`google.compute_engine.*` when the
 * format is `full`).
 */
import { generateKeyPairSync, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { HttpError, x509, type Route } from '@spire-ts/emulator-kit';
import { SignJWT } from 'jose';
import type { GcpEnv } from './env.js';
import { requireFlavor } from './metadata.js';

/** The audience SPIRE's gcp_iit agent asks for and its server requires. */
export const IIT_AUDIENCE = 'spire-gcp-node-attestor';
/** The issuer Google writes in instance identity tokens. */
export const IIT_ISSUER = 'https://accounts.google.com';

/** The instance a token describes (the `google.compute_engine` claims and the service account). */
export interface IitInstance {
  projectId: string;
  projectNumber: number;
  zone: string;
  instanceId: string;
  instanceName: string;
  /** Seconds since the epoch. */
  instanceCreationTimestamp: number;
  /** The service account the token is for (`email` claim). */
  serviceAccountEmail: string;
}

/** One signing key: its key ID, private key and self-signed certificate (PEM). */
export interface IitSigner {
  kid: string;
  privateKey: KeyObject;
  certPem: string;
}

/** What {@link IitService.mint} may change in a token; everything else is Google's shape. */
export interface MintOptions {
  audience?: string;
  /** `full` (default) adds the `google.compute_engine` claims; `standard` leaves them out. */
  format?: 'full' | 'standard';
  instance?: Partial<IitInstance>;
  issuer?: string;
  /** Issued-at, seconds since the epoch (default: the emulator clock). */
  iat?: number;
  /** Lifetime in seconds (default 3600); `null` leaves `exp` out. */
  ttlSeconds?: number | null;
  /** The key to sign with (default: the current signer). */
  signer?: IitSigner;
  /** Claims merged over the computed ones. */
  extraClaims?: Record<string, unknown>;
}

/** A fresh RSA-2048 key with a self-signed certificate, as Google publishes for its token keys. */
export async function newIitSigner(kid = randomBytes(20).toString('hex')): Promise<IitSigner> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const priv = await webcrypto.subtle.importKey('pkcs8', der, alg, true, ['sign']);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const pub = await webcrypto.subtle.importKey('spki', spki, alg, true, ['verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex').replace(/^./, '1'),
    name: 'CN=securetoken.system.gserviceaccount.com',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 14 * 24 * 3600_000),
    keys: { privateKey: priv, publicKey: pub },
    signingAlgorithm: alg,
  });
  return { kid, privateKey, certPem: cert.toString('pem') + '\n' };
}

export class IitService {
  /** The keys the certificate endpoint publishes; the last one signs new tokens. */
  readonly signers: IitSigner[] = [];
  /**
   * The `Expires` header of the certificate endpoint: a date, or null for none. Undefined (the
   * default) means an hour after the emulator clock.
   */
  certsExpires: Date | null | undefined;
  /** The instance the metadata server's identity route speaks for. */
  instance: IitInstance = {
    projectId: 'test-project',
    projectNumber: 123456789012,
    zone: 'us-central1-a',
    instanceId: '8510245236534512893',
    instanceName: 'agent-1',
    instanceCreationTimestamp: 1700000000,
    serviceAccountEmail: '123456789012-compute@developer.gserviceaccount.com',
  };
  private pending?: Promise<IitSigner>;

  constructor(readonly env: GcpEnv) {}

  /** The signing key of new tokens, made on first use. */
  async signer(): Promise<IitSigner> {
    const last = this.signers.at(-1);
    if (last) return last;
    this.pending ??= newIitSigner().then((s) => (this.signers.push(s), s));
    return this.pending;
  }

  /** Adds a new signing key (published alongside the old ones) and returns it. */
  async rotate(kid?: string): Promise<IitSigner> {
    await this.signer();
    const s = await newIitSigner(kid);
    this.signers.push(s);
    return s;
  }

  /** Mints an RS256 instance identity token with `kid`, as the metadata server returns it. */
  async mint(opts: MintOptions = {}): Promise<string> {
    const signer = opts.signer ?? (await this.signer());
    const inst = { ...this.instance, ...opts.instance };
    const iat = opts.iat ?? Math.floor(this.env.now().getTime() / 1000);
    const ttl = opts.ttlSeconds === undefined ? 3600 : opts.ttlSeconds;
    const claims: Record<string, unknown> = {
      iss: opts.issuer ?? IIT_ISSUER,
      aud: opts.audience ?? IIT_AUDIENCE,
      azp: '104176025330667568672',
      sub: '104176025330667568672',
      email: inst.serviceAccountEmail,
      email_verified: true,
      iat,
      ...(ttl === null ? {} : { exp: iat + ttl }),
    };
    if ((opts.format ?? 'full') === 'full') {
      claims.google = {
        compute_engine: {
          instance_creation_timestamp: inst.instanceCreationTimestamp,
          instance_id: inst.instanceId,
          instance_name: inst.instanceName,
          project_id: inst.projectId,
          project_number: inst.projectNumber,
          zone: inst.zone,
        },
      };
    }
    Object.assign(claims, opts.extraClaims);
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: 'JWT' }).sign(signer.privateKey);
  }

  routes(): Route[] {
    return [
      {
        method: 'GET',
        path: '/oauth2/v1/certs',
        name: 'iit.certs',
        handler: async () => {
          await this.signer();
          const expires = this.certsExpires === undefined ? new Date(this.env.now().getTime() + 3600_000) : this.certsExpires;
          const headers: Record<string, string> = { 'cache-control': 'public, max-age=3600' };
          if (expires) headers.expires = expires.toUTCString();
          return { headers, json: Object.fromEntries(this.signers.map((s) => [s.kid, s.certPem])) };
        },
      },
      {
        method: 'GET',
        path: '/computeMetadata/v1/instance/service-accounts/{account}/identity',
        name: 'iit.identity',
        handler: async (r) => {
          requireFlavor(r);
          const audience = r.query.get('audience');
          if (!audience) throw new HttpError(400, { error: 'non-empty audience parameter required' });
          const format = r.query.get('format') === 'full' ? 'full' : 'standard';
          const token = await this.mint({ audience, format });
          return { headers: { 'metadata-flavor': 'Google', 'content-type': 'application/text' }, body: token };
        },
      },
    ];
  }
}
