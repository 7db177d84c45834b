/**
 * Microsoft Entra ID (Azure AD) as @azure/identity reaches it when `AZURE_AUTHORITY_HOST` names
 * this emulator: the tenant's OpenID configuration and the v2.0 token endpoint's
 * client-credentials grant. Applications (client ID + secret per tenant) are registered by the
 * test; the access tokens handed out are remembered so that other services can check bearers.
 */
import { randomBytes } from 'node:crypto';
import { HttpError, type Route } from '@spire-ts/emulator-kit';
import type { AzureEnv } from './env.js';
import { commonOpenIdConfiguration, MsiTokenSigner } from './entra-msi.js';

/** A registered application (service principal) of a tenant. */
export interface AppRegistration {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** An access token the token endpoint handed out. */
export interface IssuedToken {
  token: string;
  tenantId: string;
  clientId: string;
  scope: string;
}

export class EntraService {
  /** Registered applications. */
  readonly apps: AppRegistration[] = [];
  /** Access tokens handed out, in order. */
  readonly issued: IssuedToken[] = [];
  /** Signer and JWKS of managed-identity tokens (`GET /common/.well-known/openid-configuration` → `jwks_uri`). */
  readonly msi: MsiTokenSigner;

  constructor(private readonly env: AzureEnv) {
    this.msi = new MsiTokenSigner(() => env.now());
  }

  /** Registers an application whose client-credentials grant succeeds. */
  registerApp(tenantId: string, clientId: string, clientSecret: string): AppRegistration {
    const app = { tenantId, clientId, clientSecret };
    this.apps.push(app);
    return app;
  }

  /** Tenant domains (`contoso.onmicrosoft.com`) → tenant IDs, for discovery by domain. */
  readonly domains = new Map<string, string>();

  /** Registers a tenant domain, whose v1 OpenID configuration then names the tenant's issuer. */
  registerDomain(domain: string, tenantId: string): void {
    this.domains.set(domain, tenantId);
  }

  /** `GET /{tenant}/.well-known/openid-configuration`: "common", a tenant ID, or a registered domain. */
  private v1OpenIdConfiguration(tenant: string): unknown {
    if (tenant === 'common') return commonOpenIdConfiguration(this.env.url);
    const tid = this.domains.get(tenant) ?? (/^[0-9a-f-]{36}$/.test(tenant) ? tenant : undefined);
    if (!tid) throw new HttpError(400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant}' not found.` });
    const c = commonOpenIdConfiguration(this.env.url) as Record<string, unknown>;
    return { ...c, issuer: `https://sts.windows.net/${tid}/`, token_endpoint: `${this.env.url}/${tid}/oauth2/token` };
  }

  /** True when the bearer is a token this emulator issued. */
  isIssued(token: string): boolean {
    return this.issued.some((t) => t.token === token);
  }

  private openIdConfiguration(tenant: string): unknown {
    const base = `${this.env.url}/${tenant}`;
    return {
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    };
  }

  private token(tenant: string, body: Buffer): unknown {
    const form = new URLSearchParams(body.toString('utf8'));
    const aadError = (status: number, error: string, description: string) =>
      new HttpError(status, { error, error_description: description, error_codes: [status === 401 ? 7000215 : 900144], timestamp: this.env.now().toISOString() });
    if (form.get('grant_type') !== 'client_credentials') throw aadError(400, 'unsupported_grant_type', `AADSTS70003: grant_type ${form.get('grant_type')} is not supported.`);
    const app = this.apps.find((a) => a.tenantId === tenant && a.clientId === form.get('client_id'));
    if (!app) throw aadError(400, 'unauthorized_client', `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory '${tenant}'.`);
    if (form.get('client_secret') !== app.clientSecret) throw aadError(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
    const token = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.emulator`;
    this.issued.push({ token, tenantId: tenant, clientId: app.clientId, scope: form.get('scope') ?? '' });
    return { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token };
  }

  routes(): Route[] {
    return [
      {
        method: 'GET',
        path: '/{tenant}/v2.0/.well-known/openid-configuration',
        name: 'entra.openid-configuration',
        handler: (r) => ({ json: this.openIdConfiguration(r.params.tenant!) }),
      },
      {
        method: 'GET',
        path: '/{tenant}/.well-known/openid-configuration',
        name: 'entra.common-openid-configuration',
        handler: (r) => ({ json: this.v1OpenIdConfiguration(r.params.tenant!) }),
      },
      { method: 'GET', path: '/common/discovery/keys', name: 'entra.jwks', handler: async () => ({ json: await this.msi.jwks() }) },
      { method: 'POST', path: '/{tenant}/oauth2/v2.0/token', name: 'entra.token', handler: (r) => ({ json: this.token(r.params.tenant!, r.body) }) },
    ];
  }
}
