import { X509Certificate, createPrivateKey, generateKeyPair } from 'node:crypto';
import { Agent } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import { promisify } from 'node:util';
import { Client, crypto as acmeCrypto } from 'acme-client';
import type { AcmeConfig } from '../../config/types.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { KeyManager } from '../../plugins/keymanager/contract.js';
import type { BundleEndpointIdentity, ClientHelloInfo, EndpointTls } from '../bundle-endpoint/identity.js';
import { certKeyId, loadAccountKey, useAccountKey } from './account-key.js';
import { DirCache } from './dir-cache.js';
import { AcmeErrors } from './errors.js';

/** The ALPN protocol of tls-alpn-01 (RFC 8737). */
export const ACME_TLS_ALPN = 'acme-tls/1';
/** How long before expiry a certificate is renewed (SPIRE's autocert default: 30 days). */
export const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
/** The largest random amount by which renewal comes earlier (autocert's renewJitter: 1h). */
export const RENEW_JITTER_MS = 3600 * 1000;

const generateKeyPairAsync = promisify(generateKeyPair);

/** What {@link AcmeIdentity} needs. */
export interface AcmeIdentityOptions {
  /** The parsed `acme` block of the https_web profile. */
  config: AcmeConfig;
  /** The server's KeyManager: it holds the ACME account key (`bundle-acme-acme_account+key`). */
  keyManager: KeyManager;
  /** The server logger; this identity logs as subsystem `bundle_acme`. */
  log: Logger;
  /** The server version, sent as the ACME user agent `SPIRE-<version>`. */
  version: string;
  /**
   * PEM roots trusted for the ACME directory's HTTPS instead of the system's (for a private ACME
   * CA such as pebble). Unset: the system roots plus NODE_EXTRA_CA_CERTS, as any Node client.
   */
  directoryCa?: string | Buffer;
  /** The clock, in ms since the epoch (default Date.now); renewal decisions read it. */
  now?: () => number;
  /** The longest wait between renewal checks (default 1h); each check compares the clock. */
  renewCheckIntervalMs?: number;
}

/** The certificate being served, with what renewal needs. */
interface Served {
  context: SecureContext;
  notAfter: number;
  renewAt: number;
}

/**
 * The https_web + ACME identity of the bundle endpoint: SPIRE's autocert behaviour over npm
 * acme-client. The certificate for `domain_name` is ordered lazily on the first handshake that
 * asks for it (concurrent handshakes share one order), proven with tls-alpn-01 on the bundle
 * endpoint's own port, cached in `<data_dir>/bundle-acme`, and renewed 30 days (less up to 1h of
 * jitter) before it expires. The account key lives in the KeyManager; the certificate key lives
 * in the cache directory (0600), because Node's TLS stack must hold it in process.
 */
export class AcmeIdentity implements BundleEndpointIdentity {
  private readonly log: Logger;
  private readonly cache: DirCache;
  private readonly domain: string;
  private readonly now: () => number;
  private readonly agent: Agent | undefined;
  private served: Served | undefined;
  private loaded: Promise<void> | undefined;
  private issuing: Promise<Served> | undefined;
  private client: Promise<Client> | undefined;
  private readonly tokenCerts = new Map<string, SecureContext>();
  private timer: NodeJS.Timeout | undefined;
  /** After a failed renewal: not before this time (autocert waits 30 to 60 minutes). */
  private retryAt = 0;
  private closed = false;

  constructor(private readonly opts: AcmeIdentityOptions) {
    this.log = opts.log.child({ subsystem_name: 'bundle_acme' });
    this.cache = new DirCache(opts.config.cacheDir);
    this.domain = opts.config.domainName.toLowerCase().replace(/\.$/, '');
    this.now = opts.now ?? Date.now;
    this.agent = opts.directoryCa ? new Agent({ ca: opts.directoryCa }) : undefined;
  }

  /**
   * Creates the cache directory, loads a cached certificate (served without contacting the CA)
   * and warns when the Terms of Service are not accepted. Nothing is ordered here.
   */
  async start(): Promise<void> {
    if (!this.opts.config.tosAccepted) {
      this.log.warn('ACME Terms of Service have not been accepted. See the `tos_accepted` configurable');
    }
    await this.cache.ensureDir();
    await this.ensureLoaded();
  }

  /** Stops renewal and waits for an order in flight. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.issuing?.catch(() => undefined);
    this.agent?.destroy();
  }

  /**
   * The identity for one handshake, chosen as autocert does. Rejects (the handshake is refused)
   * when SNI is missing or has no dot, when a tls-alpn-01 hello names no pending challenge, when
   * SNI is not `domain_name`, or when no certificate can be obtained.
   */
  async tlsFor(hello: ClientHelloInfo): Promise<EndpointTls> {
    const name = hello.serverName;
    if (!name) throw AcmeErrors.missingServerName();
    if (!name.replace(/^\.+|\.+$/g, '').includes('.')) throw AcmeErrors.badComponentCount();
    const host = name.replace(/\.$/, '');
    if (hello.alpnProtocols.length === 1 && hello.alpnProtocols[0] === ACME_TLS_ALPN) {
      const token = this.tokenCerts.get(host);
      if (!token) throw AcmeErrors.noTokenCert(host);
      this.log.debug({ domain: host }, 'Serving tls-alpn-01 challenge certificate');
      return { context: token, alpnProtocols: [ACME_TLS_ALPN] };
    }
    if (host !== this.domain) throw AcmeErrors.hostNotAllowed(host);
    await this.ensureLoaded();
    const served = this.served;
    if (served && this.now() < served.notAfter) return { context: served.context };
    return { context: (await this.issue()).context };
  }

  private ensureLoaded(): Promise<void> {
    this.loaded ??= this.loadCached().catch((err: unknown) => {
      this.loaded = undefined;
      throw err;
    });
    return this.loaded;
  }

  private async loadCached(): Promise<void> {
    const [chain, key] = await Promise.all([this.cache.get(this.domain), this.cache.get(certKeyId(this.domain))]);
    if (!chain || !key) return;
    try {
      this.install(chain.toString('utf8'), key.toString('utf8'));
      this.log.info({ domain: this.domain, not_after: new Date(this.served!.notAfter).toISOString() }, 'Loaded cached ACME certificate');
    } catch (err) {
      this.log.warn({ domain: this.domain, error: errorMessage(err) }, 'Ignoring unusable cached ACME certificate');
    }
  }

  /** Checks the pair, serves it from the next handshake on, and schedules its renewal. */
  private install(chainPem: string, keyPem: string): Served {
    const leaf = new X509Certificate(chainPem);
    if (!leaf.checkPrivateKey(createPrivateKey(keyPem))) throw new Error('private key does not match the certificate');
    if (!leaf.checkHost(this.domain, { wildcards: false })) throw new Error(`certificate is not for "${this.domain}"`);
    const notAfter = Date.parse(leaf.validTo);
    if (!(this.now() < notAfter)) throw new Error('expired certificate');
    const served: Served = {
      context: createSecureContext({ cert: chainPem, key: keyPem }),
      notAfter,
      renewAt: notAfter - RENEW_BEFORE_MS - Math.floor(Math.random() * RENEW_JITTER_MS),
    };
    this.served = served;
    this.schedule();
    return served;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || !this.served) return;
    const due = Math.max(this.served.renewAt, this.retryAt);
    const wait = Math.min(Math.max(due - this.now(), 0), this.opts.renewCheckIntervalMs ?? 3600 * 1000);
    this.timer = setTimeout(() => this.renewIfDue(), wait);
    this.timer.unref();
  }

  private renewIfDue(): void {
    this.timer = undefined;
    if (this.closed || !this.served) return;
    if (this.now() < Math.max(this.served.renewAt, this.retryAt)) return this.schedule();
    this.issue().then(
      () => {
        this.retryAt = 0;
        this.log.info({ domain: this.domain }, 'Renewed ACME certificate');
      },
      (err: unknown) => {
        this.retryAt = this.now() + RENEW_JITTER_MS / 2 + Math.floor(Math.random() * (RENEW_JITTER_MS / 2));
        this.log.warn({ domain: this.domain, error: errorMessage(err) }, 'Failed to renew ACME certificate; will retry');
        this.schedule();
      },
    );
  }

  /** One order at a time: every caller waiting meanwhile shares its outcome. */
  private issue(): Promise<Served> {
    this.issuing ??= this.obtain()
      .catch((err: unknown) => {
        throw AcmeErrors.issuanceFailed(this.domain, err);
      })
      .finally(() => {
        this.issuing = undefined;
      });
    return this.issuing;
  }

  private async obtain(): Promise<Served> {
    const client = await this.account();
    const domain = this.domain;
    const order = await client.createOrder({ identifiers: [{ type: 'dns', value: domain }] });
    for (const authz of await client.getAuthorizations(order)) {
      if (authz.status === 'valid') continue;
      // acme-client's types list only http-01 and dns-01; the CA also offers tls-alpn-01.
      const challenge = authz.challenges.find((c) => (c.type as string) === 'tls-alpn-01');
      if (!challenge) throw AcmeErrors.noViableChallenge(authz.url, domain);
      const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
      const tokenKey = await acmeCrypto.createPrivateEcdsaKey();
      const [, tokenCert] = await acmeCrypto.createAlpnCertificate(authz, keyAuthorization, tokenKey);
      this.tokenCerts.set(domain, createSecureContext({ cert: tokenCert, key: tokenKey }));
      try {
        await client.completeChallenge(challenge);
        await client.waitForValidStatus(authz);
      } finally {
        this.tokenCerts.delete(domain);
      }
    }
    const keyPem = await this.certKey();
    const [, csr] = await acmeCrypto.createCsr({ commonName: domain, altNames: [domain] }, keyPem);
    const finalized = await client.finalizeOrder(order, csr);
    const chain = await client.getCertificate(finalized);
    await this.cache.put(domain, chain);
    const served = this.install(chain, keyPem);
    this.log.info({ domain, not_after: new Date(served.notAfter).toISOString() }, 'Obtained ACME certificate');
    return served;
  }

  /** The certificate key `bundle-acme-<domain>` from the cache dir, generated (EC P-256) once. */
  private async certKey(): Promise<string> {
    const id = certKeyId(this.domain);
    const cached = await this.cache.get(id);
    if (cached) return cached.toString('utf8');
    const { privateKey } = await generateKeyPairAsync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await this.cache.put(id, privateKey);
    this.log.info({ id }, 'Generated new key');
    return privateKey;
  }

  /** The registered ACME client, made once; a failure is retried by the next handshake. */
  private account(): Promise<Client> {
    this.client ??= this.register().catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  private async register(): Promise<Client> {
    const { config, keyManager, version } = this.opts;
    const key = await loadAccountKey(keyManager, this.log);
    // The account key is the KeyManager's: useAccountKey replaces the PEM signer, so this
    // placeholder is never read.
    const client = new Client({ directoryUrl: config.directoryUrl, accountKey: Buffer.alloc(0) });
    useAccountKey(client, key, `SPIRE-${version}`, this.agent);
    const tosUrl = await client.getTermsOfServiceUrl();
    let agreed = false;
    if (tosUrl) {
      const fields = { directory_url: config.directoryUrl, tos_url: tosUrl, email: config.email };
      if (config.tosAccepted) {
        this.log.info(fields, 'ACME Terms of Service accepted');
        agreed = true;
      } else {
        this.log.warn(fields, 'ACME Terms of Service have not been accepted. See the `tos_accepted` configurable');
      }
    }
    await client.createAccount({
      termsOfServiceAgreed: agreed,
      ...(config.email ? { contact: [`mailto:${config.email}`] } : {}),
    });
    return client;
  }
}
