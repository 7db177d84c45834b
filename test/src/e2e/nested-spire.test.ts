import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { Code, nestedSpireWire, silentLogger } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { DEFAULT_TIMINGS, SpireUpstreamAuthority } from '@spire-ts/plugins-upstreamauthority-spire';
import { csrFor, joinTokenAttestor, newKey, WorkloadApiServer, type AgentClient } from '../agent/index.js';
import { certsPem } from '../agent/keys.js';

import { run, ServerProcess } from './harness.js';

const TD = 'example.org';
const DOWNSTREAM_ID = `spiffe://${TD}/downstream`;

/** The entry ID that `entry create` printed. */
const entryIdOf = (out: string) => /^Entry ID\s+: (\S+)$/m.exec(out)![1]!;

/** X.509 authorities (DER) of a server's bundle, through its admin socket. */
async function roots(s: ServerProcess): Promise<Buffer[]> {
  return (await s.admin<{ x509_authorities: { asn1: Buffer }[] }>('bundle', 'GetBundle', {})).x509_authorities.map((a) => a.asn1);
}

/** Polls `probe` every 100 ms until it returns true; resolves with the time taken, throws after `ms`. */
async function within(ms: number, what: string, probe: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}

describe('nested SPIRE: a downstream spire-server with UpstreamAuthority "spire"', { timeout: 240_000 }, () => {
  const upstream = new ServerProcess(TD);
  const downstream = new ServerProcess(TD);
  const dir = mkdtempSync(join(tmpdir(), 'spe2e-nested-'));
  const socket = join(dir, 'agent.sock');
  let agent: AgentClient;
  let agentId: string;
  const workloadApis: WorkloadApiServer[] = [];

  /** A Workload API on `path` serving the entry `entryId` through the test agent. */
  async function serveWorkloadApi(path: string, entryId: string): Promise<WorkloadApiServer> {
    await agent.sync();
    const w = await WorkloadApiServer.start({ socketPath: path, agent, entryId });
    workloadApis.push(w);
    return w;
  }

  before(async () => {
    // 1. The upstream server.
    await upstream.start();
    // 2. The test agent attests to it with a join token.
    agent = await upstream.agent();
    agentId = (await agent.attest(joinTokenAttestor(await upstream.joinToken()))).spiffeId;
    // 3. The downstream server's entry, parented to the agent, flagged -downstream.
    const out = upstream.cli('entry', 'create', '-spiffeID', DOWNSTREAM_ID, '-parentID', agentId, '-selector', 'unix:uid:0', '-downstream');
    assert.match(out, /^Downstream\s+: true$/m);
    // 4. The agent serves that entry's SVID on its Workload API socket.
    await serveWorkloadApi(socket, entryIdOf(out));
    // 5. The downstream server mints its CA through the upstream.
    await downstream.start({
      extraPlugins: `UpstreamAuthority "spire" {
    plugin_data {
      server_address = "127.0.0.1"
      server_port = "${upstream.port}"
      workload_api_socket = "${socket}"
    }
  }`,
    });
  });

  after(async () => {
    for (const w of workloadApis) await w.close();
    agent?.close();
    await downstream.stop();
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the downstream's CA chains to the upstream roots (openssl verify)", async () => {
    const out = join(dir, 'mint');
    run('mkdir', ['-p', out]);
    downstream.cli('x509', 'mint', '-spiffeID', `spiffe://${TD}/workload`, '-write', out);
    const chain = readFileSync(join(out, 'svid.pem'), 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;
    assert.ok(chain.length >= 2, 'leaf and the downstream CA');
    writeFileSync(join(out, 'upstream-roots.pem'), certsPem(await roots(upstream)));
    writeFileSync(join(out, 'downstream-ca.pem'), chain[1]!);
    writeFileSync(join(out, 'leaf.pem'), chain[0]!);
    writeFileSync(join(out, 'intermediates.pem'), chain.slice(1).join(''));
    assert.equal(run('openssl', ['verify', '-CAfile', join(out, 'upstream-roots.pem'), join(out, 'downstream-ca.pem')]).trim(), `${join(out, 'downstream-ca.pem')}: OK`);
    assert.equal(
      run('openssl', ['verify', '-CAfile', join(out, 'upstream-roots.pem'), '-untrusted', join(out, 'intermediates.pem'), join(out, 'leaf.pem')]).trim(),
      `${join(out, 'leaf.pem')}: OK`,
    );
    // The downstream trusts exactly the upstream's roots.
    assert.deepEqual(await roots(downstream), await roots(upstream));
  });

  it("the downstream's JWT key appears in the upstream bundle", async () => {
    const kids = async (s: ServerProcess) => (await s.admin<{ jwt_authorities: { key_id: string }[] }>('bundle', 'GetBundle', {})).jwt_authorities.map((k) => k.key_id);
    const downstreamKids = await kids(downstream);
    assert.ok(downstreamKids.length > 0);
    const upstreamKids = await kids(upstream);
    for (const kid of downstreamKids) assert.ok(upstreamKids.includes(kid), `${kid} not in the upstream bundle ${JSON.stringify(upstreamKids)}`);
  });

  it("a new upstream JWT key reaches the downstream's bundle through the local bundle subscription", async (t) => {
    const kids = async (s: ServerProcess) => (await s.admin<{ jwt_authorities: { key_id: string }[] }>('bundle', 'GetBundle', {})).jwt_authorities.map((k) => k.key_id);
    const before = await kids(upstream);
    upstream.cli('localauthority', 'jwt', 'prepare');
    const added = (await kids(upstream)).find((k) => !before.includes(k));
    assert.ok(added, 'prepare adds a JWT key to the upstream bundle');
    // Only SubscribeToLocalBundle carries upstream JWT keys down (the mint stream has roots only).
    const took = await within(8000, 'the new upstream JWT key in the downstream bundle', async () => (await kids(downstream)).includes(added));
    t.diagnostic(`the new upstream JWT key reached the downstream bundle in ${took} ms`);
  });

  it("a new upstream CA reaches the downstream's bundle within about 5 s", async (t) => {
    const before = await roots(upstream);
    const prepared = upstream.cli('localauthority', 'x509', 'prepare');
    const authorityId = /Authority ID: (\S+)/.exec(prepared)![1]!;
    const added = (await roots(upstream)).find((r) => !before.some((b) => b.equals(r)));
    assert.ok(added, 'prepare adds a root to the upstream bundle');
    // The plugin polls every 5 s and re-checks every second.
    const took = await within(8000, 'the new root in the downstream bundle', async () => (await roots(downstream)).some((r) => r.equals(added)));
    t.diagnostic(`the new upstream root reached the downstream bundle in ${took} ms`);
    assert.ok(took <= 7000, `took ${took} ms`);
    upstream.cli('localauthority', 'x509', 'activate', '-authorityID', authorityId);
    // The downstream keeps minting after the upstream switched CA.
    const out = join(dir, 'after-rotation');
    run('mkdir', ['-p', out]);
    downstream.cli('x509', 'mint', '-spiffeID', `spiffe://${TD}/after`, '-write', out);
    assert.deepEqual(
      (await roots(downstream)).map((r) => new X509Certificate(r).fingerprint256).sort(),
      (await roots(upstream)).map((r) => new X509Certificate(r).fingerprint256).sort(),
    );
  });

  it("the test agent's Workload API requires the security header and sends again on rotation", async () => {
    const w = workloadApis[0]!;
    const Ctor = nestedSpireWire.workloadClient();
    const c = new Ctor(`unix://${socket}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      FetchX509SVID(req: unknown, md?: grpc.Metadata): grpc.ClientReadableStream<{ svids: { spiffe_id: string; x509_svid: Buffer }[] }>;
    };
    try {
      const refused = c.FetchX509SVID({});
      const err = await new Promise<grpc.ServiceError>((res) => refused.on('error', res));
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
      assert.equal(err.details, 'security header missing from request');

      const md = new grpc.Metadata();
      md.set(nestedSpireWire.workloadHeader, 'true');
      const call = c.FetchX509SVID({}, md);
      const got: string[] = [];
      call.on('data', (m: { svids: { spiffe_id: string; x509_svid: Buffer }[] }) => {
        assert.equal(m.svids[0]!.spiffe_id, DOWNSTREAM_ID);
        got.push(new X509Certificate(m.svids[0]!.x509_svid).serialNumber);
      });
      call.on('error', () => undefined);
      await within(5000, 'the first message', async () => got.length === 1);
      await w.rotate();
      await within(5000, 'the rotated SVID', async () => got.length === 2);
      assert.notEqual(got[1], got[0]);
      assert.equal(got[1], w.current.serial);
      call.cancel();
    } finally {
      c.close();
    }
  });

  /** The plugin in this process, as a downstream server would run it, on `socketPath` and `port`. */
  const plugin = (socketPath: string, port: number) =>
    new SpireUpstreamAuthority({ serverAddress: '127.0.0.1', serverPort: String(port), workloadApiSocket: socketPath }, `spiffe://${TD}`, silentLogger(), {
      ...DEFAULT_TIMINGS,
      callTimeoutMs: 10_000,
      firstSvidTimeoutMs: 10_000,
    });
  const mintOnce = async (ua: SpireUpstreamAuthority) => {
    for await (const r of ua.mintX509CAAndSubscribe({ csr: await csrFor(await newKey()), preferredTtlSeconds: 600 })) return r;
    throw new Error('no response');
  };

  it('a caller without downstream is refused by the upstream', async () => {
    const out = upstream.cli('entry', 'create', '-spiffeID', `spiffe://${TD}/not-downstream`, '-parentID', agentId, '-selector', 'unix:uid:1');
    const path = join(dir, 'plain.sock');
    await serveWorkloadApi(path, entryIdOf(out));
    const ua = plugin(path, upstream.port);
    try {
      await rejectsWith(
        mintOnce(ua),
        Code.INTERNAL,
        'unable to request a new Downstream X509CA: rpc error: code = PermissionDenied desc = authorization denied for method /spire.api.server.svid.v1.SVID/NewDownstreamX509CA',
      );
    } finally {
      await ua.close();
    }
  });

  it('an upstream presenting another SPIFFE ID fails TLS', async () => {
    // An impostor with a valid SVID of the trust domain (the agent's), so only the ID is wrong.
    const impostor = new grpc.Server();
    const creds = grpc.ServerCredentials.createSsl(Buffer.from(certsPem(await roots(upstream))), [
      { private_key: Buffer.from(agent.svid!.key.privateKeyPem), cert_chain: Buffer.from(certsPem(agent.svid!.certChain)) },
    ]);
    const port = await new Promise<number>((res, rej) => impostor.bindAsync('127.0.0.1:0', creds, (e, p) => (e ? rej(e) : res(p))));
    const ua = plugin(socket, port);
    try {
      await rejectsWith(
        mintOnce(ua),
        Code.INTERNAL,
        `unable to request a new Downstream X509CA: rpc error: code = Unavailable desc = No connection established. Last error: Error: unexpected ID "${agentId}". Resolution note: `,
      );
    } finally {
      await ua.close();
      impostor.forceShutdown();
    }
  });

  // Last: it retires the upstream authority the agent's SVID and the other cases rely on.
  it('a tainted upstream authority: the downstream moves its CA to the new one, then marks it tainted; a revoked one leaves its bundle', async (t) => {
    type State = { active: { authority_id: string; upstream_authority_subject_key_id: string } | null; old: { authority_id: string; upstream_authority_subject_key_id: string } | null };
    const state = (s: ServerProcess) => s.admin<State>('localAuthority', 'GetX509AuthorityState', {});
    const taintedIds = async (s: ServerProcess) =>
      (await s.admin<{ x509_authorities: { asn1: Buffer; tainted: boolean }[] }>('bundle', 'GetBundle', {})).x509_authorities.filter((a) => a.tainted).map((a) => new X509Certificate(a.asn1).fingerprint256);
    const up = await state(upstream);
    const oldUpstream = up.old!.authority_id;
    const newUpstream = up.active!.authority_id;
    const before = await state(downstream);
    assert.equal(before.active!.upstream_authority_subject_key_id, oldUpstream, 'the downstream CA was signed by the authority about to be tainted');

    assert.match(upstream.cli('localauthority', 'x509', 'taint', '-authorityID', oldUpstream), /Tainted X\.509 authority:/);
    const upstreamTainted = await taintedIds(upstream);
    assert.equal(upstreamTainted.length, 1);
    const took = await within(12_000, 'the taint in the downstream bundle', async () => (await taintedIds(downstream)).join() === upstreamTainted.join());
    t.diagnostic(`the taint reached the downstream bundle in ${took} ms`);
    // By the time agents can see the taint, the downstream already signs with a CA under the new authority.
    const after = await state(downstream);
    assert.equal(after.active!.upstream_authority_subject_key_id, newUpstream);
    assert.notEqual(after.active!.authority_id, before.active!.authority_id);
    assert.equal(after.old!.authority_id, before.active!.authority_id);

    // A workload SVID minted now chains to the new upstream root alone (openssl verify).
    const out = join(dir, 'after-taint');
    run('mkdir', ['-p', out]);
    downstream.cli('x509', 'mint', '-spiffeID', `spiffe://${TD}/after-taint`, '-write', out);
    const chain = readFileSync(join(out, 'svid.pem'), 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;
    const untainted = (await upstream.admin<{ x509_authorities: { asn1: Buffer; tainted: boolean }[] }>('bundle', 'GetBundle', {})).x509_authorities.filter((a) => !a.tainted).map((a) => a.asn1);
    writeFileSync(join(out, 'new-root.pem'), certsPem(untainted));
    writeFileSync(join(out, 'leaf.pem'), chain[0]!);
    writeFileSync(join(out, 'intermediates.pem'), chain.slice(1).join(''));
    assert.equal(
      run('openssl', ['verify', '-CAfile', join(out, 'new-root.pem'), '-untrusted', join(out, 'intermediates.pem'), join(out, 'leaf.pem')]).trim(),
      `${join(out, 'leaf.pem')}: OK`,
    );

    // The upstream revokes the tainted authority: it leaves the downstream's bundle too.
    // As SPIRE agents do on seeing the taint: the agent renews its own SVID and replaces the
    // downstream server's, both now under the new authority; only then may the operator revoke.
    agent.setBundle(certsPem(await roots(upstream)));
    await agent.renew();
    await workloadApis[0]!.rotate();
    upstream.cli('localauthority', 'x509', 'revoke', '-authorityID', oldUpstream);
    await within(12_000, 'the revoked root gone from the downstream bundle', async () => {
      const [u, d] = [await roots(upstream), await roots(downstream)];
      return u.length === d.length && d.every((r) => u.some((x) => x.equals(r)));
    });
    assert.deepEqual(await taintedIds(downstream), []);
  });
});
