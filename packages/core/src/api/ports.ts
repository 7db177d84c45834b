import type { SpireError } from '../errors.js';
import type { RegistrationEntry } from '../plugins/datastore/contract.js';
import type { NodeAttestor } from '../plugins/nodeattestor/contract.js';

/**
 * The narrow ports the API layer needs from the rest of the server. The CA, the CA manager and
 * the federation code implement them; `ports.fake.ts` has in-memory fakes for tests.
 */

/** One X509-SVID to sign for a workload, downstream or admin caller. */
export interface X509SvidRequest {
  spiffeId: string;
  /**
   * DER PKCS#10; the API has already parsed it. The CA checks its signature (on a signing worker)
   * and refuses a bad one, alone, with INVALID_ARGUMENT `invalid CSR: <why>`.
   */
  csr: Uint8Array;
  dnsNames?: string[];
  /** 0 or absent: default_x509_svid_ttl. */
  ttlMs?: number;
}

/** An authority as the local-authority API reports it. */
export interface AuthorityStateView {
  authorityId: string;
  /** Unix seconds. */
  expiresAt: number;
  /** Subject key ID (hex) of the upstream authority that signed it, when there is one. */
  upstreamAuthoritySubjectKeyId?: string;
}

/** The active, prepared and old authority of one kind (X.509 or JWT). */
export interface AuthoritySlots {
  active?: AuthorityStateView;
  prepared?: AuthorityStateView;
  old?: AuthorityStateView;
}

/**
 * Rotation of one kind of local authority (SPIRE's CA manager slots). The implementation makes
 * every check on IDs and slots; a refusal or failure is a LocalAuthorityError
 * (ca/manager/local-authority-checks.ts) carrying SPIRE's code and message.
 */
export interface AuthorityRotation {
  getState(): Promise<AuthoritySlots>;
  prepare(): Promise<AuthorityStateView>;
  /** Activates the prepared authority whose ID is `authorityId`. */
  activate(authorityId: string): Promise<AuthorityStateView>;
  /** Taints the old authority whose ID is `authorityId`. */
  taint(authorityId: string): Promise<AuthorityStateView>;
  /** Revokes the tainted old authority whose ID is `authorityId`. */
  revoke(authorityId: string): Promise<AuthorityStateView>;
}

/** Upstream X.509 authority operations (when an UpstreamAuthority is configured). */
export interface UpstreamAuthorityRotation {
  /** Taints the upstream authority with this subject key ID; returns the ID. */
  taint(subjectKeyId: string): Promise<string>;
  revoke(subjectKeyId: string): Promise<string>;
}

/**
 * What the API needs from the server CA. Every method may be called concurrently and any number
 * of times; failures are SpireErrors (INTERNAL when signing fails, FAILED_PRECONDITION when no
 * authority is active, UNIMPLEMENTED when a feature is off).
 */
export interface ServerCAPort {
  /**
   * Signs X509-SVIDs; one result per request, in order; one failure never affects others. Each
   * chain comes with its leaf's notAfter (unix milliseconds), so callers need not parse the leaf.
   * Throws RESOURCE_EXHAUSTED, signing none, when too many SVIDs already wait for the signer.
   */
  signX509Svids(reqs: X509SvidRequest[]): Promise<Array<{ certChain: Uint8Array[]; notAfter: number } | { error: SpireError }>>;
  /**
   * Signs an agent's X509-SVID (agent_ttl) for the public key of `csr` (DER PKCS#10, already
   * parsed by the API). Returns the chain, leaf first.
   */
  signAgentX509Svid(req: { spiffeId: string; csr: Uint8Array }): Promise<{ certChain: Uint8Array[] }>;
  /**
   * Signs one JWT-SVID and returns the compact token. Throws RESOURCE_EXHAUSTED when too many
   * SVIDs already wait for the signer.
   */
  signJwtSvid(req: { spiffeId: string; audience: string[]; ttlMs?: number; includeJti?: boolean }): Promise<string>;
  /**
   * Signs an intermediate CA for a downstream SPIRE server for the public key of `csr` (already
   * checked by the API). Returns the chain to hand back, the new CA certificate first.
   */
  signDownstreamX509CA(req: { csr: Uint8Array; ttlMs?: number }): Promise<Uint8Array[]>;
  /**
   * Publishes a JWT authority handed over by a downstream server (into the local bundle and,
   * when this server is itself downstream, upstream). Returns the bundle's JWT authorities.
   */
  publishJwtAuthority(key: { publicKey: Uint8Array; keyId: string; expiresAt: number }): Promise<Array<{ publicKey: Uint8Array; keyId: string; expiresAt: number; tainted: boolean }>>;
  /** The server's own X509-SVID for the TCP listener: PEM chain (leaf first) and PEM key. */
  serverTlsCredentials(): Promise<{ certChainPem: string; privateKeyPem: string }>;
  /** Calls `fn` whenever the server SVID or the bundle changes; returns an unsubscribe. */
  onTlsRotation?(fn: () => void): () => void;
  readonly x509Authority: AuthorityRotation;
  readonly jwtAuthority: AuthorityRotation;
  /** Undefined when no UpstreamAuthority is configured. */
  readonly upstreamAuthority?: UpstreamAuthorityRotation;
}

/** The federated bundle refresher as the TrustDomain API sees it (federation/refresher's FederationManager). */
export interface BundleRefresher {
  /** Fetches one relationship's bundle endpoint once (RefreshBundle). Throws NOT_FOUND when the trust domain is not managed. */
  refreshBundle(trustDomain: string): Promise<void>;
  /** Re-reads the relationships now; called after a successful Batch Create/Update/Delete. Must not throw. */
  triggerConfigReload?(): void;
}

/** The log level control of the running server (logger.v1). */
export interface LogLevelControl {
  /** Current and launch levels as pino names (trace, debug, info, warn, error, fatal; silent for SPIRE's PANIC). */
  levels(): { current: string; launch: string };
  set(level: string): void;
  reset(): void;
}

/** Facts debug.v1 GetInfo reports. */
export interface DebugInfoSource {
  /** Seconds since the server started. */
  uptimeSeconds(): number;
  /** The server's current X509-SVID chain (DER, leaf first); [] when none. */
  svidChain(): Promise<Uint8Array[]>;
}

/** Computes the entries an agent is authorized for (SPIRE's entry cache). */
export interface AuthorizedEntryFetcher {
  fetchAuthorizedEntries(agentId: string): Promise<RegistrationEntry[]>;
}

/** The configured NodeAttestors by name (the catalog's); undefined when none has that name. */
export type NodeAttestorLookup = (name: string) => NodeAttestor | undefined;
