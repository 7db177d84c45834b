/**
 * Managed-identity access tokens as Entra ID signs them, for the azure_msi attestor's tests: the
 * "common" OIDC discovery document, a JWKS with real public keys, and a test signer minting v1 or
 * v2 tokens (tid, sub/oid, aud, iss, iat/nbf/exp) under a chosen key, plus HS256 and `none`
 * forgeries that no verifier should accept.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A signing key of the emulated Entra ID. */
interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** Listed in the JWKS (false: a key Microsoft never published). */
  published: boolean;
}

/** What to mint into a managed-identity token. */
export interface MsiTokenOptions {
  tenantId: string;
  /** The managed identity's principal (object) ID: `sub` and `oid`. */
  principalId: string;
  /** `aud` (default `https://management.azure.com/`). */
  audience?: string;
  /** 1: issuer `https://sts.windows.net/<tid>/` (default); 2: `https://login.microsoftonline.com/<tid>/v2.0`. */
  version?: 1 | 2;
  /** Signing algorithm of a key the emulator holds (default RS256). */
  alg?: 'RS256' | 'ES256' | 'PS256';
  /** Use the key with this kid, or `'unpublished'` for a key absent from the JWKS. */
  kid?: string;
  /** Leave the `kid` header out. */
  omitKid?: boolean;
  /** Issued-at (default: the emulator's clock) and lifetime in seconds (default 8 h, as MSI). */
  issuedAt?: Date;
  lifetimeS?: number;
  /** Replaces `iss`. */
  issuer?: string;
  /** Extra or replacing claims; `undefined` values remove a claim. */
  claims?: Record<string, unknown>;
}

/** The issuer of a managed-identity token of `tenantId` in token version `version`. */
export function msiIssuer(tenantId: string, version: 1 | 2 = 1): string {
  return version === 2 ? `https://login.microsoftonline.com/${tenantId}/v2.0` : `https://sts.windows.net/${tenantId}/`;
}

/** The signer and JWKS of the emulated Entra ID (keys made on first use). */
export class MsiTokenSigner {
  private keys?: Promise<SigningKey[]>;

  constructor(private readonly now: () => Date) {}

  private async make(alg: string, kid: string, published: boolean): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
    return { kid, alg, privateKey, publicJwk, published };
  }

  private all(): Promise<SigningKey[]> {
    this.keys ??= Promise.all([
      this.make('RS256', 'emulator-rsa-1', true),
      this.make('ES256', 'emulator-ec-1', true),
      this.make('PS256', 'emulator-rsa-pss-1', true),
      this.make('RS256', 'unpublished', false),
    ]);
    return this.keys;
  }

  /** The published keys, as `GET <jwks_uri>` answers. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.all()).filter((k) => k.published).map((k) => k.publicJwk) };
  }

  /** A signed managed-identity access token (see {@link MsiTokenOptions}). */
  async mint(o: MsiTokenOptions): Promise<string> {
    const alg = o.alg ?? 'RS256';
    const keys = await this.all();
    const key = o.kid ? keys.find((k) => k.kid === o.kid) : keys.find((k) => k.published && k.alg === alg);
    if (!key) throw new Error(`no emulator key ${o.kid ?? alg}`);
    const header = { alg: key.alg, typ: 'JWT', ...(o.omitKid ? {} : { kid: key.kid }) };
    return new SignJWT(this.claims(o)).setProtectedHeader(header).sign(key.privateKey);
  }

  /** A token "signed" with HS256 under `secret` (an algorithm-confusion forgery). */
  async forgeHs256(o: MsiTokenOptions, secret: Uint8Array = new TextEncoder().encode('forged-secret-forged-secret-1234')): Promise<string> {
    return new SignJWT(this.claims(o)).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: o.kid ?? 'emulator-rsa-1' }).sign(secret);
  }

  /** An unsigned token (`alg: none`) with the same claims. */
  forgeNone(o: MsiTokenOptions): string {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${b64({ alg: 'none', typ: 'JWT', kid: o.kid ?? 'emulator-rsa-1' })}.${b64(this.claims(o))}.`;
  }

  private claims(o: MsiTokenOptions): Record<string, unknown> {
    const iat = Math.floor((o.issuedAt ?? this.now()).getTime() / 1000);
    const version = o.version ?? 1;
    const c: Record<string, unknown> = {
      aud: o.audience ?? 'https://management.azure.com/',
      iss: o.issuer ?? msiIssuer(o.tenantId, version),
      iat,
      nbf: iat,
      exp: iat + (o.lifetimeS ?? 8 * 3600),
      aio: randomUUID(),
      appid: randomUUID(),
      appidacr: '2',
      idp: msiIssuer(o.tenantId, 1),
      oid: o.principalId,
      sub: o.principalId,
      tid: o.tenantId,
      uti: randomUUID().replace(/-/g, ''),
      ver: version === 2 ? '2.0' : '1.0',
      xms_mirid: `/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
    };
    for (const [k, v] of Object.entries(o.claims ?? {})) {
      if (v === undefined) delete c[k];
      else c[k] = v;
    }
    return c;
  }
}

/** Microsoft's "common" OpenID configuration as the emulator serves it. */
export function commonOpenIdConfiguration(base: string): unknown {
  return {
    issuer: 'https://sts.windows.net/{tenantid}/',
    authorization_endpoint: `${base}/common/oauth2/authorize`,
    token_endpoint: `${base}/common/oauth2/token`,
    jwks_uri: `${base}/common/discovery/keys`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
  };
}

/** azure_msi's attestation payload (`{"token": …}`) as the agent sends it. */
export function msiPayload(token: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ token }));
}
