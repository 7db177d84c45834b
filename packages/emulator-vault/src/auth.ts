/**
 * Vault's auth routes SPIRE calls: token lookup-self and renew-self, and the login of the cert,
 * AppRole and Kubernetes methods at their mount points. Roles (with their leases) are set by the
 * test; each login makes a token in the request's namespace.
 */
import { x509, type EmulatorRequest, type Route } from '@spire-ts/emulator-kit';
import { CLIENT_CERT_HEADER } from './tls-front.js';
import { badRequest, jsonBody, namespaceOf, tokenOf, WRITE_METHODS } from './request.js';
import { permissionDenied, type Lease, type Token, type TokenStore } from './tokens.js';

/** A cert auth role: clients whose certificate is this one, or is signed by it, log in. */
export interface CertRole extends Lease {
  certificatePem: string;
  policies?: string[];
}

/** An AppRole: its role ID and the secret IDs it accepts. */
export interface AppRole extends Lease {
  secretIds: string[];
  policies?: string[];
}

/** A Kubernetes auth role: the service account tokens (JWTs) it accepts. */
export interface K8sRole extends Lease {
  jwts: string[];
  policies?: string[];
}

type Method = 'cert' | 'approle' | 'kubernetes';

/** The auth methods' state: mounts and roles, per namespace. */
export class AuthMethods {
  /** Mount point → method (the defaults are mounted at their own names). */
  readonly mounts = new Map<string, Method>([
    ['cert', 'cert'],
    ['approle', 'approle'],
    ['kubernetes', 'kubernetes'],
  ]);
  private readonly certRoles = new Map<string, CertRole>();
  private readonly appRoles = new Map<string, AppRole>();
  private readonly k8sRoles = new Map<string, K8sRole>();

  constructor(private readonly tokens: TokenStore) {}

  private key(namespace: string, mount: string, name: string): string {
    return `${namespace}\u0000${mount}\u0000${name}`;
  }

  /** Adds a cert role at `mount` (default `cert`) in `namespace` (default root). */
  addCertRole(name: string, role: CertRole, o: { mount?: string; namespace?: string } = {}): void {
    this.certRoles.set(this.key(o.namespace ?? '', o.mount ?? 'cert', name), role);
  }

  /** Adds an AppRole by role ID. */
  addAppRole(roleId: string, role: AppRole, o: { mount?: string; namespace?: string } = {}): void {
    this.appRoles.set(this.key(o.namespace ?? '', o.mount ?? 'approle', roleId), role);
  }

  /** Adds a Kubernetes role. */
  addK8sRole(name: string, role: K8sRole, o: { mount?: string; namespace?: string } = {}): void {
    this.k8sRoles.set(this.key(o.namespace ?? '', o.mount ?? 'kubernetes', name), role);
  }

  /** The routes. */
  routes(): Route[] {
    return [
      { method: 'GET', path: '/v1/auth/token/lookup-self', name: 'auth.token.lookup-self', handler: (req) => this.lookupSelf(req) },
      ...WRITE_METHODS.map((method) => ({ method, path: '/v1/auth/token/renew-self', name: 'auth.token.renew-self', handler: (req: EmulatorRequest) => this.renewSelf(req) })),
      ...WRITE_METHODS.map((method) => ({ method, path: '/v1/auth/{mount}/login', name: 'auth.login', handler: (req: EmulatorRequest) => this.login(req) })),
    ];
  }

  private authReply(t: Token, warnings: string[] = []) {
    return {
      json: {
        request_id: '',
        lease_id: '',
        renewable: false,
        lease_duration: 0,
        data: null,
        warnings: warnings.length ? warnings : null,
        auth: { client_token: t.id, accessor: t.accessor, policies: t.policies, token_policies: t.policies, lease_duration: this.tokens.remaining(t), renewable: t.renewable, orphan: true },
      },
    };
  }

  private lookupSelf(req: EmulatorRequest) {
    const t = this.tokens.check(tokenOf(req), namespaceOf(req));
    return {
      json: {
        data: {
          id: t.id,
          accessor: t.accessor,
          policies: t.policies,
          ttl: this.tokens.remaining(t),
          creation_ttl: t.ttl,
          creation_time: Math.floor(t.createdAt / 1000),
          expire_time: t.expiresAt ? new Date(t.expiresAt).toISOString() : null,
          renewable: t.renewable,
          namespace_path: t.namespace ? `${t.namespace}/` : '',
        },
      },
    };
  }

  private renewSelf(req: EmulatorRequest) {
    const t = this.tokens.check(tokenOf(req), namespaceOf(req));
    const inc = jsonBody(req).increment;
    const increment = typeof inc === 'number' ? inc : typeof inc === 'string' && /^\d+s?$/.test(inc) ? parseInt(inc, 10) : undefined;
    const r = this.tokens.renew(t, increment);
    return this.authReply(t, r.warnings);
  }

  private async login(req: EmulatorRequest) {
    const ns = namespaceOf(req);
    const mount = req.params.mount!;
    const method = this.mounts.get(mount);
    if (!method) throw badRequest(`no handler for route "auth/${mount}/login". route entry not found.`);
    const body = jsonBody(req);
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    let role: Lease & { policies?: string[] };
    if (method === 'approle') {
      const r = this.appRoles.get(this.key(ns, mount, str('role_id')));
      if (!r || !r.secretIds.includes(str('secret_id'))) throw badRequest('invalid role or secret ID');
      role = r;
    } else if (method === 'kubernetes') {
      const r = this.k8sRoles.get(this.key(ns, mount, str('role')));
      if (!r) throw badRequest(`invalid role name "${str('role')}"`);
      if (!r.jwts.includes(str('jwt'))) throw permissionDenied();
      role = r;
    } else {
      role = await this.certLogin(req, ns, mount, str('name'));
    }
    const t = this.tokens.issue({ ...role, namespace: ns, origin: method });
    return this.authReply(t);
  }

  private async certLogin(req: EmulatorRequest, ns: string, mount: string, name: string): Promise<CertRole> {
    const h = req.headers[CLIENT_CERT_HEADER];
    const refused = badRequest('invalid certificate or no client certificate supplied');
    if (typeof h !== 'string' || h === '') throw refused;
    const client = new x509.X509Certificate(Buffer.from(h, 'base64'));
    const prefix = this.key(ns, mount, '');
    const candidates = [...this.certRoles.entries()].filter(([k]) => (name ? k === this.key(ns, mount, name) : k.startsWith(prefix)));
    for (const [, role] of candidates) {
      const trusted = new x509.X509Certificate(role.certificatePem);
      if (Buffer.from(trusted.rawData).equals(Buffer.from(client.rawData))) return role;
      const now = new Date();
      if (client.issuer === trusted.subject && now >= client.notBefore && now <= client.notAfter) {
        if (await client.verify({ publicKey: trusted.publicKey, signatureOnly: true })) return role;
      }
    }
    throw refused;
  }
}
