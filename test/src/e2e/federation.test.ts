// Two real servers, a.test and b.test, each serving its bundle endpoint (https_spiffe) and
// federated with the other through the CLI, as docs/federation.md walks an operator through it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinTokenAttestor, type AgentClient } from '../agent/index.js';
import { ServerProcess, freePort } from './harness.js';

/** Federation settings for a server whose bundle endpoint listens on `port`. */
const endpointConf = (port: number, hint: string) => `federation {
    bundle_endpoint {
      address = "127.0.0.1"
      port = ${port}
      refresh_hint = "${hint}"
      profile "https_spiffe" {}
    }
  }`;

const until = async (what: string, cond: () => Promise<boolean> | boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

interface CliBundle {
  trust_domain: string;
  x509_authorities: { asn1: string }[];
  sequence_number: string | number;
}

describe('two servers federated both ways over https_spiffe', { timeout: 240_000 }, () => {
  const a = new ServerProcess('a.test');
  const b = new ServerProcess('b.test');
  let aPort = 0;
  let bPort = 0;
  let agent: AgentClient | undefined;
  /** a.test's copy of b.test's bundle, as `bundle list -id` prints it in JSON. */
  const copyOfB = (): CliBundle | undefined => {
    try {
      return JSON.parse(a.cli('bundle', 'list', '-id', 'spiffe://b.test', '-output', 'json')) as CliBundle;
    } catch {
      return undefined;
    }
  };
  const ownBundle = (s: ServerProcess): CliBundle => JSON.parse(s.cli('bundle', 'show', '-output', 'json')) as CliBundle;
  const roots = (x: CliBundle | undefined) => (x?.x509_authorities ?? []).map((r) => r.asn1).sort();

  before(async () => {
    aPort = await freePort();
    bPort = await freePort();
    // b.test's hint of 1m makes a.test poll it every 15 s (a quarter of the hint).
    await Promise.all([a.start({ extraServer: endpointConf(aPort, '5m') }), b.start({ extraServer: endpointConf(bPort, '1m') })]);
  });
  after(async () => {
    agent?.close();
    await Promise.all([a.stop(), b.stop()]);
  });

  it('each server gets the other bundle with bundle show / bundle set, and a relationship with federation create', () => {
    const bJson = join(a.dir, 'b.json');
    writeFileSync(bJson, b.cli('bundle', 'show', '-format', 'spiffe'));
    assert.equal(a.cli('bundle', 'set', '-format', 'spiffe', '-id', 'spiffe://b.test', '-path', bJson), 'bundle set.\n');
    const aJson = join(b.dir, 'a.json');
    writeFileSync(aJson, a.cli('bundle', 'show', '-format', 'spiffe'));
    b.cli('bundle', 'set', '-format', 'spiffe', '-id', 'spiffe://a.test', '-path', aJson);
    const created = a.cli(
      'federation', 'create', '-trustDomain', 'b.test', '-bundleEndpointURL', `https://127.0.0.1:${bPort}`,
      '-bundleEndpointProfile', 'https_spiffe', '-endpointSpiffeID', 'spiffe://b.test/spire/server',
    );
    assert.match(created, /Trust domain\s*: b\.test/);
    b.cli(
      'federation', 'create', '-trustDomain', 'a.test', '-bundleEndpointURL', `https://127.0.0.1:${aPort}`,
      '-bundleEndpointProfile', 'https_spiffe', '-endpointSpiffeID', 'spiffe://a.test/spire/server',
    );
    assert.match(a.cli('federation', 'list'), /Found 1 federation relationship/);
    assert.match(a.cli('federation', 'show', '-trustDomain', 'b.test'), new RegExp(`Bundle endpoint URL\\s*: https://127.0.0.1:${bPort}`));
  });

  it('federation refresh fetches the peer bundle now; an unmanaged trust domain is refused', () => {
    assert.equal(a.cli('federation', 'refresh', '-id', 'b.test'), 'Bundle refreshed\n');
    assert.deepEqual(roots(copyOfB()), roots(ownBundle(b)));
    assert.throws(() => a.cli('federation', 'refresh', '-id', 'c.test'), /there is no federation relationship with trust domain "c.test"/);
  });

  it("an agent of a.test with an entry that federates with b.test gets b.test's bundle", async () => {
    agent = await a.agent();
    const { spiffeId } = await agent.attest(joinTokenAttestor(await a.joinToken()));
    await a.createEntry({ spiffeId: 'spiffe://a.test/web', parentId: spiffeId, selectors: [{ type: 'unix', value: 'uid:1000' }], federatesWith: ['spiffe://b.test'] });
    await agent.sync();
    const entry = [...agent.entries.values()].find((e) => e.spiffe_id.path === '/web');
    assert.deepEqual(entry?.federates_with, ['b.test']);
    const fed = await agent.getFederatedBundle('b.test');
    assert.equal(fed.trust_domain, 'b.test');
    assert.deepEqual(fed.x509_authorities.map((r) => Buffer.from(r.asn1).toString('base64')).sort(), roots(ownBundle(b)));
  });

  it("a CA rotation in b.test reaches a.test within one poll (15 s for b.test's 1m hint)", async () => {
    const before = roots(copyOfB()).length;
    const refreshed = () => (a.log().match(/msg="Bundle refreshed"[^\n]*trust_domain=b\.test/g) ?? []).length;
    const refreshedBefore = refreshed();
    b.cli('localauthority', 'x509', 'prepare');
    const grown = roots(ownBundle(b));
    assert.equal(grown.length, before + 1, 'prepare publishes the next authority in b.test');
    await until("b.test's new authority in a.test", () => roots(copyOfB()).join() === grown.join(), 25_000);
    assert.doesNotMatch(b.log(), /level=error/);
    // The poll that stored it says so (the log arrives through a pipe: allow it a moment).
    await until('a new "Bundle refreshed" in a.test\'s log', () => refreshed() > refreshedBefore, 5_000);
  });

  it('federation update and delete change what a.test polls', () => {
    a.cli('federation', 'update', '-trustDomain', 'b.test', '-bundleEndpointURL', `https://127.0.0.1:${bPort}/?v=2`, '-bundleEndpointProfile', 'https_spiffe', '-endpointSpiffeID', 'spiffe://b.test/spire/server');
    assert.ok(a.cli('federation', 'show', '-trustDomain', 'b.test').includes(`https://127.0.0.1:${bPort}/?v=2`));
    assert.equal(a.cli('federation', 'refresh', '-id', 'b.test'), 'Bundle refreshed\n');
    a.cli('federation', 'update', '-trustDomain', 'b.test', '-bundleEndpointURL', `https://127.0.0.1:${bPort}`, '-bundleEndpointProfile', 'https_spiffe', '-endpointSpiffeID', 'spiffe://b.test/spire/server');
  });

  it("stopping b.test keeps a.test's copy and logs each failed poll", async () => {
    const kept = roots(copyOfB());
    const failures = () => (a.log().match(/level=error msg="Error updating bundle"/g) ?? []).length;
    const failuresBefore = failures();
    await b.stop();
    await until('a failed poll logged by a.test', () => failures() > failuresBefore, 25_000);
    assert.match(a.log(), new RegExp(`msg="Error updating bundle"[^\\n]*bundle_endpoint_url="https://127\\.0\\.0\\.1:${bPort}"`));
    assert.deepEqual(roots(copyOfB()), kept);
    a.cli('federation', 'delete', '-id', 'b.test');
    assert.match(a.cli('federation', 'list'), /Found 0 federation relationships/);
  });
});
