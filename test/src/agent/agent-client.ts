import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { api } from '@spire-ts/core';
import type { AgentAttestor } from './attestors.js';
import { rpcError } from './errors.js';
import { certsPem, csrFor, newKey, type KeyPair } from './keys.js';

/** An entry as the server sends it (spire.api.types.Entry, proto field names). */
export interface WireEntry {
  id: string;
  spiffe_id: { trust_domain: string; path: string };
  parent_id: { trust_domain: string; path: string };
  selectors: { type: string; value: string }[];
  revision_number: number;
  created_at: number;
  [k: string]: unknown;
}

/** An X509-SVID the agent holds: its chain (DER, leaf first) and private key. */
export interface HeldSvid {
  spiffeId: string;
  certChain: Buffer[];
  key: KeyPair;
  expiresAt: number;
}

/** What one sync did, as SPIRE's agent counts it. */
export interface SyncStats {
  /** Entries the server sent whole. */
  fetched: number;
  /** Responses that carried entry revisions only (0 when everything came in one response). */
  revisionPages: number;
  total: number;
}

export interface AgentClientOptions {
  /**
   * host:port of the server's TCP API, or of several servers of one trust domain (HA): a call that
   * fails with UNAVAILABLE is tried on the next address, each address at most once per call.
   */
  address: string | readonly string[];
  trustDomain: string;
  /** PEM of the trust bundle's X.509 authorities the agent bootstraps from. */
  bundlePem: string;
}

const ID = (p: { trust_domain: string; path: string }) => `spiffe://${p.trust_domain}${p.path}`;

/** gRPC status UNAVAILABLE: the server is down or unreachable, so another server may answer. */
const UNAVAILABLE = 14;

/**
 * A small SPIRE agent for tests. It speaks the agent's side of the server API as SPIRE's agent
 * does: TLS to the server trusting only the bootstrap bundle and accepting only the ID
 * `spiffe://<td>/spire/server`; AttestAgent with challenge rounds; RenewAgent; SyncAuthorizedEntries
 * with revision paging; BatchNewX509SVID and NewJWTSVID for entries. It can serve a minimal Workload API (see WorkloadApiServer).
 * Methods reject with RpcError carrying the server's status. Not safe for concurrent attest/renew.
 */
export class AgentClient {
  /** The agent's current X509-SVID, once attested. */
  svid?: HeldSvid;
  /** Entries known from the last sync, by entry ID. */
  readonly entries = new Map<string, WireEntry>();
  private readonly clients: grpc.Client[] = [];
  private readonly addresses: readonly string[];
  private current = 0;
  /** PEM of the X.509 authorities the agent checks the server with. */
  private bundlePem: string;

  constructor(private readonly opts: AgentClientOptions) {
    this.addresses = typeof opts.address === 'string' ? [opts.address] : opts.address;
    this.bundlePem = opts.bundlePem;
    if (this.addresses.length === 0) throw new Error('the agent needs at least one server address');
  }

  /** Replaces the bundle the agent checks the server with, as SPIRE's agent does from each bundle sync. */
  setBundle(bundlePem: string): void {
    this.bundlePem = bundlePem;
  }

  /** The server address calls go to now (the one that last answered). */
  get address(): string {
    return this.addresses[this.current]!;
  }

  /**
   * Runs `call` against the current server; when it fails with UNAVAILABLE, moves to the next
   * address and runs it again, until every address was tried once. Rejects with the last error.
   */
  private async failover<T>(call: () => Promise<T>): Promise<T> {
    for (let tried = 1; ; tried++) {
      try {
        return await call();
      } catch (err) {
        if ((err as { code?: number }).code !== UNAVAILABLE || tried >= this.addresses.length) throw err;
        this.current = (this.current + 1) % this.addresses.length;
      }
    }
  }

  /** The server ID the agent insists on. */
  get serverId(): string {
    return `spiffe://${this.opts.trustDomain}/spire/server`;
  }

  private credentials(withSvid: boolean): grpc.ChannelCredentials {
    const serverId = this.serverId;
    const checkServerIdentity = (_host: string, cert: { subjectaltname?: string }): Error | undefined => {
      const uris = (cert.subjectaltname ?? '').split(', ').filter((s) => s.startsWith('URI:')).map((s) => s.slice(4));
      return uris.length === 1 && uris[0] === serverId ? undefined : new Error(`unexpected server ID ${JSON.stringify(uris)}; want "${serverId}"`);
    };
    const roots = Buffer.from(this.bundlePem);
    if (withSvid) {
      if (!this.svid) throw new Error('the agent has no SVID yet: attest first');
      return grpc.credentials.createSsl(roots, Buffer.from(this.svid.key.privateKeyPem), Buffer.from(certsPem(this.svid.certChain)), { checkServerIdentity });
    }
    return grpc.credentials.createSsl(roots, null, null, { checkServerIdentity });
  }

  /** A client of `service` over a fresh channel (with the agent's SVID once it has one). */
  private client(service: string, withSvid = true): grpc.Client {
    const Ctor = api.clientConstructor(service);
    // No message size limit on what the agent receives, so no number of entries stops it.
    const c = new Ctor(this.address, this.credentials(withSvid), { 'grpc.max_receive_message_length': -1 });
    this.clients.push(c);
    return c;
  }

  private unary<T>(service: string, method: string, req: unknown, withSvid = true): Promise<T> {
    return this.failover(() => {
      const c = this.client(service, withSvid) as unknown as Record<string, (r: unknown, cb: (e: grpc.ServiceError | null, v: T) => void) => void>;
      return new Promise<T>((resolve, reject) => c[method]!.call(c, req, (e, v) => (e ? reject(rpcError(e)) : resolve(v))));
    });
  }

  /**
   * Attests with `attestor`: sends the attestation data and a CSR for a new key, answers each
   * challenge, and keeps the SVID it gets. Resolves with the agent ID and whether it may re-attest.
   * `csrUri` puts a URI SAN in the CSR (the server must ignore it).
   */
  attest(attestor: AgentAttestor, opts: { csrUri?: string } = {}): Promise<{ spiffeId: string; reattestable: boolean }> {
    return this.failover(() => this.attestOnce(attestor, opts));
  }

  private async attestOnce(attestor: AgentAttestor, opts: { csrUri?: string }): Promise<{ spiffeId: string; reattestable: boolean }> {
    const key = await newKey();
    const csr = await csrFor(key, opts.csrUri);
    // Re-attestation presents the current SVID, as SPIRE's agent does.
    const c = this.client(api.Services.agent, !!this.svid) as unknown as { AttestAgent(): grpc.ClientDuplexStream<unknown, unknown> };
    const call = c.AttestAgent();
    return new Promise((resolve, reject) => {
      let done = false;
      call.on('data', (m: { step: string; challenge?: Buffer; result?: { svid: { id: { trust_domain: string; path: string }; cert_chain: Buffer[]; expires_at: number }; reattestable: boolean } }) => {
        if (m.step === 'challenge' && m.challenge) {
          const challenge = m.challenge;
          Promise.resolve()
            .then(() => attestor.respond(challenge))
            .then((answer) => call.write({ challenge_response: answer }))
            .catch((err: unknown) => {
              call.cancel();
              reject(err);
            });
          return;
        }
        if (m.step === 'result' && m.result) {
          done = true;
          const spiffeId = ID(m.result.svid.id);
          this.svid = { spiffeId, certChain: m.result.svid.cert_chain, key, expiresAt: m.result.svid.expires_at };
          call.end();
          resolve({ spiffeId, reattestable: m.result.reattestable });
        }
      });
      call.on('error', (e) => reject(rpcError(e)));
      call.on('end', () => {
        if (!done) reject(new Error('AttestAgent ended without a result'));
      });
      call.write({ params: { data: { type: attestor.type, payload: attestor.payload() }, params: { csr } } });
    });
  }

  /** RenewAgent with a new key; the agent switches to the new SVID (the server activates it on first use). */
  async renew(): Promise<HeldSvid> {
    const key = await newKey();
    const res = await this.unary<{ svid: { id: { trust_domain: string; path: string }; cert_chain: Buffer[]; expires_at: number } }>(api.Services.agent, 'RenewAgent', {
      params: { csr: await csrFor(key) },
    });
    this.svid = { spiffeId: ID(res.svid.id), certChain: res.svid.cert_chain, key, expiresAt: res.svid.expires_at };
    return this.svid;
  }

  /** GetAuthorizedEntries (every authorized entry in one response). */
  async getAuthorizedEntries(): Promise<WireEntry[]> {
    return (await this.unary<{ entries: WireEntry[] }>(api.Services.entry, 'GetAuthorizedEntries', { output_mask: null })).entries;
  }

  /**
   * SyncAuthorizedEntries as SPIRE's agent does it: send the mask; take the whole list, or pages of
   * revisions followed by requests (one page size at a time) for the entries that are new or stale.
   * Entries no longer authorized are dropped from `entries`.
   */
  sync(): Promise<SyncStats> {
    return this.failover(() => this.syncOnce());
  }

  private async syncOnce(): Promise<SyncStats> {
    const c = this.client(api.Services.entry) as unknown as { SyncAuthorizedEntries(): grpc.ClientDuplexStream<unknown, unknown> };
    const call = c.SyncAuthorizedEntries();
    const inbox: unknown[] = [];
    const waiters: Array<{ resolve: (m: unknown) => void; reject: (e: Error) => void }> = [];
    let failed: Error | undefined;
    call.on('data', (m) => {
      const w = waiters.shift();
      if (w) w.resolve(m);
      else inbox.push(m);
    });
    call.on('error', (e) => {
      failed = rpcError(e);
      for (const w of waiters.splice(0)) w.reject(failed);
    });
    call.on('end', () => {
      failed ??= new Error('stream ended');
      for (const w of waiters.splice(0)) w.reject(failed);
    });
    type Resp = { entry_revisions: { id: string; revision_number: number; created_at: number }[]; entries: WireEntry[]; more: boolean };
    const recv = (): Promise<Resp> => {
      if (inbox.length > 0) return Promise.resolve(inbox.shift() as Resp);
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => waiters.push({ resolve: resolve as (m: unknown) => void, reject }));
    };
    const seen = new Set<string>();
    const stats: SyncStats = { fetched: 0, revisionPages: 0, total: 0 };
    const take = (es: WireEntry[]) => {
      for (const e of es) {
        seen.add(e.id);
        this.entries.set(e.id, e);
        stats.fetched++;
      }
    };
    try {
      call.write({ output_mask: null, ids: [] });
      let resp = await recv();
      if (resp.entry_revisions.length === 0) {
        take(resp.entries);
      } else {
        const pageSize = resp.entry_revisions.length;
        const needFull: string[] = [];
        for (;;) {
          stats.revisionPages++;
          if (resp.entries.length > 0) throw new Error('unexpected entry in response receiving entry revisions');
          for (const r of resp.entry_revisions) {
            seen.add(r.id);
            const cached = this.entries.get(r.id);
            if (!cached || cached.revision_number !== r.revision_number || cached.created_at !== r.created_at) needFull.push(r.id);
          }
          if (!resp.more) break;
          resp = await recv();
        }
        needFull.sort();
        while (needFull.length > 0) {
          call.write({ output_mask: null, ids: needFull.splice(0, pageSize) });
          for (;;) {
            const r = await recv();
            if (r.entry_revisions.length > 0) throw new Error('unexpected entry revisions in response while requesting entries');
            take(r.entries);
            if (!r.more) break;
          }
        }
      }
      call.end();
    } catch (err) {
      call.cancel();
      throw err;
    }
    for (const id of [...this.entries.keys()]) if (!seen.has(id)) this.entries.delete(id);
    stats.total = this.entries.size;
    return stats;
  }

  /**
   * BatchNewX509SVID for one entry with a fresh key (or the given CSR). Resolves with the chain
   * and key, or rejects with the item's status as an RpcError.
   */
  async newX509Svid(entryId: string, opts: { csrUri?: string } = {}): Promise<{ spiffeId: string; certChain: Buffer[]; key: KeyPair }> {
    const key = await newKey();
    const res = await this.unary<{ results: { status: { code: number; message: string }; svid: { id: { trust_domain: string; path: string }; cert_chain: Buffer[] } | null }[] }>(
      api.Services.svid,
      'BatchNewX509SVID',
      { params: [{ entry_id: entryId, csr: await csrFor(key, opts.csrUri) }] },
    );
    const r = res.results[0]!;
    if (r.status.code !== 0 || !r.svid) throw Object.assign(new Error(r.status.message), { code: r.status.code, details: r.status.message });
    return { spiffeId: ID(r.svid.id), certChain: r.svid.cert_chain, key };
  }

  /** NewJWTSVID for an entry: the compact token. */
  async newJwtSvid(entryId: string, audience: string[]): Promise<string> {
    const res = await this.unary<{ svid: { token: string } }>(api.Services.svid, 'NewJWTSVID', { entry_id: entryId, audience });
    return res.svid.token;
  }

  /** The trust domain's bundle as the agent fetches it (Bundle.GetBundle). */
  async getBundle(): Promise<{ x509_authorities: { asn1: Buffer }[]; jwt_authorities: { public_key: Buffer; key_id: string }[] }> {
    return this.unary(api.Services.bundle, 'GetBundle', {});
  }

  /** A federated trust domain's bundle, as an agent fetches it for entries that federate with it. */
  async getFederatedBundle(trustDomain: string): Promise<{ trust_domain: string; x509_authorities: { asn1: Buffer }[]; sequence_number: string | number }> {
    return this.unary(api.Services.bundle, 'GetFederatedBundle', { trust_domain: trustDomain });
  }

  /** The leaf of the current SVID. */
  leaf(): X509Certificate {
    if (!this.svid) throw new Error('not attested');
    return new X509Certificate(this.svid.certChain[0]!);
  }

  /** Closes every channel it opened. Safe to call twice. */
  close(): void {
    for (const c of this.clients.splice(0)) c.close();
  }
}
