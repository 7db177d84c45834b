/**
 * The Vault emulator: the routes SPIRE's vault UpstreamAuthority and hashicorp_vault KeyManager
 * call, with real state (tokens that expire and renew up to a max TTL, roles per namespace, a
 * PKI CA, Transit keys), behind an HTTPS front that asks for client certificates. Faults come
 * from the route server ({@link VaultEmulator.http}: `fail`, `setLatencyMs`, `setUnavailable`).
 */
import { HttpEmulator, issue, testServingIdentity, TEST_CA_CERT_PATH, type EmulatorRequest, type Route } from '@spire-ts/emulator-kit';
import { AuthMethods, type CertRole } from './auth.js';
import { PkiEngine } from './pki.js';
import { namespaceOf } from './request.js';
import { startTlsFront, type TlsFront } from './tls-front.js';
import { TokenStore, type Lease } from './tokens.js';
import { TransitEngine } from './transit.js';

/** One request as the emulator saw it: the route's name and the namespace header. */
export interface VaultCall {
  route: string;
  method: string;
  path: string;
  namespace: string;
  /** Whether the request carried a token (never the token itself). */
  hadToken: boolean;
}

/** Options of {@link VaultEmulator.start}. */
export interface VaultEmulatorOptions {
  /** Mount point of the PKI engine (default `pki`). */
  pkiMount?: string;
  /** Mount point of the Transit engine (default `transit`). */
  transitMount?: string;
}

/** A running emulator. */
export class VaultEmulator {
  /** Every request, in order. */
  readonly calls: VaultCall[] = [];

  private constructor(
    /** The HTTPS address clients use (`https://127.0.0.1:<port>`). */
    readonly url: string,
    /** The route server behind the front: faults, latency, outage, raw request log. */
    readonly http: HttpEmulator,
    private readonly front: TlsFront,
    readonly tokens: TokenStore,
    readonly auth: AuthMethods,
    readonly pki: PkiEngine,
    readonly transit: TransitEngine,
  ) {}

  /** The CA file clients verify the emulator with (the fixed test CA): `ca_cert_path`. */
  readonly caCertPath = TEST_CA_CERT_PATH;

  /** Starts the emulator on 127.0.0.1 (ephemeral ports). */
  static async start(o: VaultEmulatorOptions = {}): Promise<VaultEmulator> {
    const tokens = new TokenStore();
    const auth = new AuthMethods(tokens);
    const pki = await PkiEngine.create(tokens, o.pkiMount);
    const transit = new TransitEngine(tokens, o.transitMount);
    const holder: { calls?: VaultCall[] } = {};
    const logged = (r: Route): Route => ({
      ...r,
      handler: (req: EmulatorRequest) => {
        holder.calls!.push({ route: r.name, method: req.method, path: req.path, namespace: namespaceOf(req), hadToken: Boolean(req.headers['x-vault-token']) });
        return r.handler(req);
      },
    });
    const http = await HttpEmulator.start({
      routes: [...auth.routes(), ...pki.routes(), ...transit.routes()].map(logged),
      notFound: () => ({ errors: [] }),
    });
    const front = await startTlsFront(await testServingIdentity(), http.url);
    const emu = new VaultEmulator(front.url, http, front, tokens, auth, pki, transit);
    holder.calls = emu.calls;
    return emu;
  }

  /** Makes a token directly (as `vault token create` would), in `namespace` (default root). */
  createToken(lease: Lease, namespace = ''): string {
    return this.tokens.issue({ ...lease, namespace, origin: 'token' }).id;
  }

  /**
   * A client certificate and key for the cert auth method, and a role `name` trusting the CA
   * that issued it (a fresh one), with `lease`.
   */
  async certAuthIdentity(name: string, lease: Lease, o: { mount?: string; namespace?: string } = {}): Promise<{ certPem: string; keyPem: string; caPem: string }> {
    const ca = await issue({ subject: `CN=Vault cert auth CA ${name}`, ca: true });
    const client = await issue({ subject: `CN=spire-server ${name}`, eku: ['1.3.6.1.5.5.7.3.2'] }, ca);
    const role: CertRole = { ...lease, certificatePem: ca.certPem };
    this.auth.addCertRole(name, role, o);
    return { certPem: client.certPem, keyPem: client.keyPem, caPem: ca.certPem };
  }

  /** Answers the next request of `route` with 200 and this body (a malformed answer). */
  answerNext(route: string, json: unknown): void {
    this.http.fail(route, 200, json);
  }

  /** TLS connections clients have opened to the emulator so far. */
  tlsConnections(): number {
    return this.front.connections();
  }

  /** The calls of one route. */
  callsOf(route: string): VaultCall[] {
    return this.calls.filter((c) => c.route === route);
  }

  async close(): Promise<void> {
    await this.front.close();
    await this.http.close();
  }
}
