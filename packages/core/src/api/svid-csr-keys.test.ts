import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../ca/clock.js';
import { InProcessKeyManager } from '../plugins/keymanager/in-process-key-manager.js';
import { CAManager } from '../ca/manager/ca-manager.js';
import { createSigningPool, type SigningPool } from '../ca/pool/signing-pool.js';
import { ServerCA } from '../ca/server-ca.js';
import { opensslVerify } from '../ca/test-support/openssl.js';
import { CSR_CASES, opensslCsr } from '../ca/test-support/openssl-csrs.js';
import { Code, SpireError } from '../errors.js';
import type { DataStore, RegistrationEntry } from '../plugins/datastore/contract.js';
import { SpiffeId, TrustDomain } from '../spiffeid/index.js';
import { AuditScope } from './audit.js';
import { caPort } from './ca-port.js';
import type { CallContext } from './handler.js';
import { signAgentSvid } from './services/agent-attest.js';
import type { ApiDeps } from './services/deps.js';
import { svidService } from './services/svid.js';
import { LogCapture, openTestStore } from './testing/harness.js';

// The SVID API over the real CA and its signing worker: the admin path (MintX509SVID) checks a
// CSR on the API thread, the agent path (BatchNewX509SVID) in the worker; both must give SPIRE's
// verdict, and every SVID issued must verify with openssl.
const td = TrustDomain.parse('example.org');
const AGENT = 'spiffe://example.org/spire/agent/x/1';
const csrs = CSR_CASES.map((c) => ({ c, der: Buffer.from(opensslCsr(c, 'spiffe://example.org/w')) }));
let dir: string;
let ds: DataStore;
let pool: SigningPool;
let manager: CAManager;
let deps: ApiDeps;
let caDer: Uint8Array;
const entry = {
  entryId: 'w',
  spiffeId: 'spiffe://example.org/w',
  parentId: AGENT,
  selectors: [{ type: 'x', value: 'y' }],
  x509SvidTtl: 0,
  jwtSvidTtl: 0,
  federatesWith: [],
  dnsNames: [],
  admin: false,
  downstream: true,
  entryExpiry: 0,
  storeSvid: false,
  hint: '',
  createdAt: 0,
  revisionNumber: 0,
} as RegistrationEntry;

function ctx(method: string): CallContext {
  const logs = new LogCapture();
  const caller = { transport: 'tcp', addr: '127.0.0.1:1', ip: '127.0.0.1', svid: { id: SpiffeId.parse(AGENT) } } as unknown as CallContext['caller'];
  return { method, caller, authorized: { as: 'agent', downstreamEntries: [entry] }, log: logs.logger, audit: new AuditScope(undefined, caller, method), signal: new AbortController().signal };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spire-csr-keys-'));
  const logs = new LogCapture();
  ds = await openTestStore(dir, td, logs.logger);
  pool = createSigningPool({ threads: 1 });
  const ca = new ServerCA({ trustDomain: td, clock: systemClock });
  manager = await CAManager.create({ trustDomain: td, clock: systemClock, log: logs.logger, keyManager: new InProcessKeyManager(), dataStore: ds, pool, ca });
  await manager.initialize();
  await manager.settled();
  caDer = ca.getX509CA()!.certificate.der;
  deps = {
    trustDomain: td,
    dataStore: ds,
    ca: caPort({ ca, manager, rotator: undefined as never }),
    log: logs.logger,
    authorizedEntries: { fetchAuthorizedEntries: async () => [entry] },
  };
});
after(async () => {
  await manager.close();
  await pool.close();
  await ds.close?.();
  await rm(dir, { recursive: true, force: true });
});

function issuedOk(label: string, chain: Buffer[]): void {
  const v = opensslVerify([caDer], chain[0]!);
  assert.ok(v.ok, `${label}: ${v.out}`);
}

test('CSR key policy: MintX509SVID signs exactly the CSR keys SPIRE accepts (openssl verifies each SVID) and refuses the rest with INVALID_ARGUMENT in SPIRE words', async () => {
  const svid = svidService(deps).unary!;
  for (const { c, der } of csrs) {
    const call = svid.MintX509SVID!({ csr: der, ttl: 0 }, ctx('MintX509SVID'));
    if (c.parse) await assert.rejects(call, new SpireError(Code.INVALID_ARGUMENT, `malformed CSR: ${c.parse}`), c.label);
    else if (c.verify) await assert.rejects(call, new SpireError(Code.INVALID_ARGUMENT, `failed to verify CSR signature: ${c.verify}`), c.label);
    else issuedOk(c.label, (await call).svid.cert_chain);
  }
});

test('CSR key policy: BatchNewX509SVID (signature checked in the signing worker) gives the same verdicts as MintX509SVID', async () => {
  const svid = svidService(deps).unary!;
  const res = await svid.BatchNewX509SVID!({ params: csrs.map(({ der }) => ({ entry_id: 'w', csr: der })) }, ctx('BatchNewX509SVID'));
  for (const [i, { c }] of csrs.entries()) {
    const r = res.results[i];
    if (c.parse) assert.deepEqual(r.status, { code: Code.INVALID_ARGUMENT, message: `malformed CSR: ${c.parse}` }, c.label);
    else if (c.verify) assert.deepEqual(r.status, { code: Code.INVALID_ARGUMENT, message: `invalid CSR signature: ${c.verify}` }, c.label);
    else {
      assert.deepEqual(r.status, { code: Code.OK, message: 'OK' }, c.label);
      issuedOk(c.label, r.svid.cert_chain);
    }
  }
});

test('CSR key policy: NewDownstreamX509CA takes the same CSR keys, in SPIRE words', async () => {
  const svid = svidService(deps).unary!;
  for (const { c, der } of csrs) {
    const call = svid.NewDownstreamX509CA!({ csr: der, preferred_ttl: 0 }, ctx('NewDownstreamX509CA'));
    if (c.parse) await assert.rejects(call, new SpireError(Code.INVALID_ARGUMENT, `malformed CSR: ${c.parse}`), c.label);
    else if (c.verify) await assert.rejects(call, new SpireError(Code.INVALID_ARGUMENT, `invalid CSR signature: ${c.verify}`), c.label);
    else issuedOk(c.label, (await call).ca_cert_chain);
  }
});

test('CSR key policy: agent attestation and renewal refuse the same CSRs with INVALID_ARGUMENT (SPIRE words for parsing; the CA also checks the signature)', async () => {
  for (const { c, der } of csrs) {
    const call = signAgentSvid(deps, ctx('RenewAgent'), AGENT, der);
    if (c.parse) await assert.rejects(call, new SpireError(Code.INVALID_ARGUMENT, `failed to parse CSR: ${c.parse}`), c.label);
    else if (c.verify) await assert.rejects(call, new SpireError(Code.INVALID_ARGUMENT, `invalid CSR signature: ${c.verify}`), c.label);
    else issuedOk(c.label, (await call).svid.cert_chain as Buffer[]);
  }
});
