import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createGoSchema, decodeBundleProto, GoWriter, mysqlDb, postgresDb, sqliteDb, type Availability, type TestDb } from '@spire-ts/plugins-datastore-sql/testing';
import { joinTokenAttestor, type AgentClient } from '../agent/index.js';
import { certsPem } from '../agent/keys.js';
import { ServerProcess, run } from './harness.js';

// Issue 17's drop-in promise through the real process: a database laid out and filled exactly as
// Go SPIRE v1.15 leaves it (its schema and migrations row, GORM rows, protobuf bundles, events) is
// served by `spire-server run` and by the CLI; an agent attests with a Go-written join token and
// syncs a Go-written entry; rows a Go server writes while this one runs reach the events-based
// cache; and what this server writes reads back with upstream's encodings.

const TD = 'example.org';
const GO_AGENT = `spiffe://${TD}/spire/agent/join_token/go-token`;
const GO_NODE = `spiffe://${TD}/spire/agent/x509pop/go-node`;
const GO_EXPIRED = `spiffe://${TD}/spire/agent/x509pop/go-expired`;

/** A self-signed CA certificate made by openssl, DER. */
function opensslCa(dir: string, name: string, uri: string): Buffer {
  run('openssl', [
    'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${name}.key`), '-subj', `/O=${name}`, '-days', '30',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-addext', `subjectAltName=URI:${uri}`, '-outform', 'DER', '-out', join(dir, `${name}.der`),
  ]);
  return readFileSync(join(dir, `${name}.der`));
}

function pemCerts(text: string): X509Certificate[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
}

/** The one line of `label : value` in a CLI listing. */
function field(out: string, label: string): string[] {
  return out
    .split('\n')
    .filter((l) => new RegExp(`^${label.replace(/[-()]/g, '\\$&')}\\s+: `).test(l))
    .map((l) => l.slice(l.indexOf(': ') + 2));
}

function suite(name: string, target: () => Promise<{ db?: TestDb } & Availability>): void {
  describe(`a database Go SPIRE wrote, served by spire-server run and the CLI (${name})`, { timeout: 240_000 }, () => {
    const server = new ServerProcess(TD);
    const pki = mkdtempSync(join(tmpdir(), 'spe2e-go-'));
    const agents: AgentClient[] = [];
    let db: TestDb | undefined;
    let skip: string | undefined;
    let goRoot: Buffer;
    let fedRoot: Buffer;
    const goJwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });

    before(async () => {
      const r = await target();
      if (r.fail) throw new Error(r.fail);
      if (!r.db) {
        skip = r.skip;
        return;
      }
      db = r.db;
      goRoot = opensslCa(pki, 'go-ca', `spiffe://${TD}`);
      fedRoot = opensslCa(pki, 'fed-ca', 'spiffe://fed.test');
      const raw = db.driver();
      try {
        await createGoSchema(raw, 25, '1.15.3');
        const go = new GoWriter(raw);
        const future = Math.floor(Date.now() / 1000) + 30 * 86400;
        await go.bundle(`spiffe://${TD}`, { roots: [goRoot], jwtKeys: [{ pkix: goJwtKey, kid: 'go-jwt-key', notAfter: future }], sequence: 7 });
        await go.bundle('spiffe://fed.test', { roots: [fedRoot], refreshHint: 300, sequence: 4 });
        await go.federation({ trustDomain: 'fed.test', url: 'https://127.0.0.1:1/bundle', profile: 'https_spiffe', endpointSpiffeId: 'spiffe://fed.test/spire/server' });
        await go.joinToken('go-token', future);
        await go.entry({
          entryId: 'go-entry',
          spiffeId: `spiffe://${TD}/go/web`,
          parentId: GO_AGENT,
          selectors: [{ type: 'unix', value: 'uid:1000' }],
          dnsNames: ['web.go.test'],
          federatesWith: ['spiffe://fed.test'],
          x509Ttl: 1800,
          jwtTtl: 600,
          revision: 3,
          hint: 'go-hint',
        });
        await go.node({ spiffeId: GO_EXPIRED, dataType: 'x509pop', serial: '99', expiresAt: '2020-01-01 00:00:00', canReattest: true });
        await go.node({ spiffeId: GO_NODE, dataType: 'x509pop', serial: '1234', expiresAt: '2030-01-01 00:00:00', agentVersion: 'v1.15.3', selectors: [{ type: 'x509pop', value: 'subject:cn:go-node' }] });
      } finally {
        await raw.close();
      }
      await server.start({
        datastore: db.pluginData as Record<string, string>,
        extraServer: 'experimental {\n    events_based_cache = true\n    cache_reload_interval = "1s"\n  }',
      });
    });
    after(async () => {
      for (const a of agents) a.close();
      await server.stop();
      await db?.drop();
      rmSync(pki, { recursive: true, force: true });
    });

    it('bundle show / list / count: the Go roots and JWT key are kept beside this server\'s CA', (t) => {
      if (!db) return t.skip(skip);
      const own = pemCerts(server.cli('bundle', 'show'));
      assert.ok(own.some((c) => c.raw.equals(goRoot)), 'Go root kept in the trust bundle');
      assert.ok(own.length >= 2, 'this server\'s own CA appended');
      const spiffe = JSON.parse(server.cli('bundle', 'show', '-format', 'spiffe')) as { keys: { kid?: string; use: string }[] };
      assert.ok(spiffe.keys.some((k) => k.kid === 'go-jwt-key' && k.use === 'jwt-svid'));
      const fed = server.cli('bundle', 'list', '-id', 'spiffe://fed.test');
      assert.deepEqual(
        pemCerts(fed).map((c) => c.raw.toString('hex')),
        [fedRoot.toString('hex')],
      );
      assert.equal(server.cli('bundle', 'count'), '2 bundles\n');
      // The PEM the CLI prints is what openssl reads.
      writeFileSync(join(pki, 'fed.pem'), fed);
      assert.match(run('openssl', ['x509', '-noout', '-subject', '-in', join(pki, 'fed.pem')]), /O\s*=\s*fed-ca/);
    });

    it('entry show / count, agent show / list / count, federation show / list read the Go rows', (t) => {
      if (!db) return t.skip(skip);
      const e = server.cli('entry', 'show', '-entryID', 'go-entry');
      assert.deepEqual(field(e, 'SPIFFE ID'), [`spiffe://${TD}/go/web`]);
      assert.deepEqual(field(e, 'Parent ID'), [GO_AGENT]);
      assert.deepEqual(field(e, 'Revision'), ['3']);
      assert.deepEqual(field(e, 'X509-SVID TTL'), ['1800']);
      assert.deepEqual(field(e, 'JWT-SVID TTL'), ['600']);
      assert.deepEqual(field(e, 'Selector'), ['unix:uid:1000']);
      assert.deepEqual(field(e, 'FederatesWith'), ['fed.test']);
      assert.deepEqual(field(e, 'DNS name'), ['web.go.test']);
      assert.deepEqual(field(e, 'Hint'), ['go-hint']);
      assert.deepEqual(field(server.cli('entry', 'show', '-selector', 'unix:uid:1000'), 'Entry ID'), ['go-entry']);
      assert.equal(server.cli('entry', 'count'), '1 registration entry\n');
      const a = server.cli('agent', 'show', '-spiffeID', GO_NODE);
      assert.deepEqual(field(a, 'Attestation type'), ['x509pop']);
      assert.deepEqual(field(a, 'Serial number'), ['1234']);
      assert.deepEqual(field(a, 'Selectors'), ['x509pop:subject:cn:go-node']);
      assert.deepEqual(field(a, 'Expiration time'), ['2030-01-01 00:00:00 +0000 UTC']);
      assert.deepEqual(field(server.cli('agent', 'list', '-selector', 'x509pop:subject:cn:go-node'), 'SPIFFE ID'), [GO_NODE]);
      assert.equal(server.cli('agent', 'count'), '2 attested agents\n');
      const f = server.cli('federation', 'show', '-trustDomain', 'fed.test');
      assert.deepEqual(field(f, 'Bundle endpoint URL'), ['https://127.0.0.1:1/bundle']);
      assert.deepEqual(field(f, 'Endpoint SPIFFE ID'), ['spiffe://fed.test/spire/server']);
      assert.deepEqual(field(server.cli('federation', 'list'), 'Trust domain'), ['fed.test']);
    });

    it('an agent attests with the Go-written join token, syncs the Go-written entry and its federated bundle, and gets its SVID (openssl verify)', async (t) => {
      if (!db) return t.skip(skip);
      const agent = await server.agent();
      agents.push(agent);
      const r = await agent.attest(joinTokenAttestor('go-token'));
      assert.equal(r.spiffeId, GO_AGENT);
      await agent.sync();
      assert.ok(agent.entries.has('go-entry'), `Go entry synced: ${[...agent.entries.keys()].join(', ')}`);
      const fed = await agent.getFederatedBundle('fed.test');
      assert.ok(fed.x509_authorities.some((a) => Buffer.from(a.asn1).equals(fedRoot)));
      const svid = await agent.newX509Svid('go-entry');
      writeFileSync(join(pki, 'bundle.pem'), await server.bundlePem());
      writeFileSync(join(pki, 'svid.pem'), certsPem(svid.certChain.slice(0, 1)));
      assert.match(run('openssl', ['verify', '-CAfile', join(pki, 'bundle.pem'), join(pki, 'svid.pem')]), /svid\.pem: OK/);
      assert.match(run('openssl', ['x509', '-noout', '-text', '-in', join(pki, 'svid.pem')]), /DNS:web\.go\.test/);
    });

    it('mixed access: a Go server\'s create and delete, written while this server runs, reach the agent through the events-based cache', async (t) => {
      if (!db) return t.skip(skip);
      const agent = agents[0]!;
      const raw = db.driver();
      try {
        const go = new GoWriter(raw, new Date().toISOString().slice(0, 19).replace('T', ' '));
        await go.entry({ entryId: 'go-live', spiffeId: `spiffe://${TD}/go/live`, parentId: GO_AGENT, selectors: [{ type: 'unix', value: 'uid:2000' }] });
        const seen = async (want: boolean) => {
          const deadline = Date.now() + 15_000;
          for (;;) {
            await agent.sync();
            if (agent.entries.has('go-live') === want) return;
            if (Date.now() > deadline) assert.fail(`go-live ${want ? 'not seen' : 'still seen'} after 15 s`);
            await new Promise((r) => setTimeout(r, 250));
          }
        };
        await seen(true);
        await go.deleteEntry('go-live');
        await seen(false);
      } finally {
        await raw.close();
      }
    });

    it('CLI writes (entry create / update / delete, agent evict / ban, token generate, bundle set, federation update, localauthority prepare) leave rows in upstream\'s encodings', async (t) => {
      if (!db) return t.skip(skip);
      const created = server.cli('entry', 'create', '-parentID', GO_AGENT, '-spiffeID', `spiffe://${TD}/ts/api`, '-selector', 'unix:uid:3000', '-dns', 'api.ts.test', '-federatesWith', 'spiffe://fed.test');
      const [tsId] = field(created, 'Entry ID');
      assert.ok(tsId);
      // A Go-written entry updated here: the similar-entry rule and the revision carry on from Go's.
      server.cli('entry', 'update', '-entryID', 'go-entry', '-parentID', GO_AGENT, '-spiffeID', `spiffe://${TD}/go/web`, '-selector', 'unix:uid:1001', '-x509SVIDTTL', '900');
      assert.deepEqual(field(server.cli('entry', 'show', '-entryID', 'go-entry'), 'Revision'), ['4']);
      const dup = (() => {
        try {
          server.cli('entry', 'create', '-parentID', GO_AGENT, '-spiffeID', `spiffe://${TD}/go/web`, '-selector', 'unix:uid:1001');
          return '';
        } catch (err) {
          return String((err as { stdout?: string }).stdout ?? '') + String((err as { stderr?: string }).stderr ?? '');
        }
      })();
      assert.match(dup, /similar entry already exists/i);
      server.cli('agent', 'ban', '-spiffeID', GO_NODE);
      server.cli('agent', 'evict', '-spiffeID', GO_NODE);
      const token = /^Token: (\S+)$/m.exec(server.cli('token', 'generate', '-spiffeID', `spiffe://${TD}/tokened`))?.[1];
      assert.ok(token);
      server.cli('federation', 'update', '-trustDomain', 'fed.test', '-bundleEndpointURL', 'https://127.0.0.1:2/bundle', '-bundleEndpointProfile', 'https_web');
      writeFileSync(join(pki, 'fed2.pem'), certsPem([fedRoot, opensslCa(pki, 'fed-ca-2', 'spiffe://fed.test')]));
      server.cli('bundle', 'set', '-id', 'spiffe://fed.test', '-path', join(pki, 'fed2.pem'));
      server.cli('localauthority', 'x509', 'prepare');
      const active = /^Active X\.509 authority:\n {2}Authority ID: (\S+)$/m.exec(server.cli('localauthority', 'x509', 'show'))?.[1];
      assert.ok(active);
      server.cli('entry', 'delete', '-entryID', tsId!);

      const raw = db.driver();
      try {
        const [m] = await raw.query<{ version: number; code_version: string }>('SELECT version, code_version FROM migrations');
        assert.equal(Number(m!.version), 25);
        const [e] = await raw.query<{ ttl: number; revision_number: number }>("SELECT ttl, revision_number FROM registered_entries WHERE entry_id = 'go-entry'");
        assert.equal(Number(e!.ttl), 900);
        assert.equal(Number(e!.revision_number), 4);
        const sel = await raw.query<{ value: string }>("SELECT S.value FROM selectors S JOIN registered_entries E ON E.id = S.registered_entry_id WHERE E.entry_id = 'go-entry'");
        assert.deepEqual(
          sel.map((s) => s.value),
          ['uid:1001'],
        );
        const events = (await raw.query<{ entry_id: string }>('SELECT entry_id FROM registered_entries_events ORDER BY id')).map((r) => r.entry_id);
        assert.deepEqual(events.slice(-3), ['go-entry', events.at(-2)!, tsId]);
        assert.ok(events.includes(tsId!) && events.filter((x) => x === tsId).length === 2, 'create and delete of the CLI entry are events');
        assert.equal((await raw.query('SELECT id FROM attested_node_entries WHERE spiffe_id = ?', [GO_NODE])).length, 0);
        assert.equal((await raw.query('SELECT id FROM node_resolver_map_entries WHERE spiffe_id = ?', [GO_NODE])).length, 0);
        const nodeEvents = (await raw.query<{ spiffe_id: string }>('SELECT spiffe_id FROM attested_node_entries_events WHERE spiffe_id = ?', [GO_NODE])).length;
        assert.ok(nodeEvents >= 3, `Go write, ban and evict are node events (${nodeEvents})`);
        assert.equal((await raw.query('SELECT token FROM join_tokens WHERE token = ?', [token])).length, 1);
        const [fr] = await raw.query<{ bundle_endpoint_url: string; bundle_endpoint_profile: string }>("SELECT bundle_endpoint_url, bundle_endpoint_profile FROM federated_trust_domains WHERE trust_domain = 'fed.test'");
        assert.deepEqual({ ...fr }, { bundle_endpoint_url: 'https://127.0.0.1:2/bundle', bundle_endpoint_profile: 'https_web' });
        const [b] = await raw.query<{ data: Uint8Array }>("SELECT data FROM bundles WHERE trust_domain = 'spiffe://fed.test'");
        const fb = decodeBundleProto(b!.data);
        assert.equal(fb.bundle.trustDomainId, 'spiffe://fed.test');
        assert.equal(fb.bundle.rootCas.length, 2);
        const [own] = await raw.query<{ data: Uint8Array }>('SELECT data FROM bundles WHERE trust_domain = ?', [`spiffe://${TD}`]);
        const ob = decodeBundleProto(own!.data).bundle;
        assert.ok(ob.rootCas.some((r) => Buffer.from(r.derBytes).equals(goRoot)));
        assert.ok(ob.jwtSigningKeys.some((k) => k.kid === 'go-jwt-key'));
        assert.ok(ob.sequenceNumber > 7, `sequence number carried on from Go's 7 (${ob.sequenceNumber})`);
        const journals = await raw.query<{ active_x509_authority_id: string }>('SELECT active_x509_authority_id FROM ca_journals');
        assert.ok(
          journals.some((j) => j.active_x509_authority_id === active),
          `journal keyed by the active authority ${active}: ${journals.map((j) => j.active_x509_authority_id).join()}`,
        );
      } finally {
        await raw.close();
      }
    });

    it('the other writing commands on Go rows: agent purge, federation delete / create, bundle delete -mode dissociate, localauthority activate, and the minting ones', async (t) => {
      if (!db) return t.skip(skip);
      assert.match(server.cli('agent', 'purge'), new RegExp(`^Found 1 expired agent\\n\\nAgents purged:\\nSPIFFE ID {9}: ${GO_EXPIRED}\\n$`));
      assert.equal(server.cli('agent', 'count'), '1 attested agent\n');
      server.cli('federation', 'delete', '-id', 'fed.test');
      assert.match(server.cli('federation', 'list'), /Found 0 federation relationships/);
      server.cli('bundle', 'delete', '-id', 'spiffe://fed.test', '-mode', 'dissociate');
      assert.deepEqual(field(server.cli('entry', 'show', '-entryID', 'go-entry'), 'FederatesWith'), []);
      server.cli('federation', 'create', '-trustDomain', 'fed2.test', '-bundleEndpointURL', 'https://127.0.0.1:3/bundle', '-bundleEndpointProfile', 'https_web');
      server.cli('localauthority', 'jwt', 'prepare');
      const jwtPrepared = /^Prepared JWT authority:\n {2}Authority ID: (\S+)$/m.exec(server.cli('localauthority', 'jwt', 'show'))?.[1];
      assert.ok(jwtPrepared);
      server.cli('localauthority', 'jwt', 'activate', '-authorityID', jwtPrepared);
      const x509Prepared = /^Prepared X\.509 authority:\n {2}Authority ID: (\S+)$/m.exec(server.cli('localauthority', 'x509', 'show'))?.[1];
      assert.ok(x509Prepared);
      server.cli('localauthority', 'x509', 'activate', '-authorityID', x509Prepared);
      const jwt = server.cli('jwt', 'mint', '-spiffeID', `spiffe://${TD}/minted`, '-audience', 'a');
      assert.match(jwt, /^ey/);
      assert.match(server.cli('x509', 'mint', '-spiffeID', `spiffe://${TD}/minted`), /BEGIN CERTIFICATE/);
      assert.match(server.cli('healthcheck'), /Server is healthy/);

      const raw = db.driver();
      try {
        assert.equal((await raw.query('SELECT id FROM attested_node_entries WHERE spiffe_id = ?', [GO_EXPIRED])).length, 0);
        assert.equal((await raw.query("SELECT id FROM bundles WHERE trust_domain = 'spiffe://fed.test'")).length, 0);
        assert.equal((await raw.query('SELECT bundle_id FROM federated_registration_entries')).length, 0);
        assert.equal((await raw.query("SELECT id FROM federated_trust_domains WHERE trust_domain = 'fed.test'")).length, 0);
        const [f2] = await raw.query<{ bundle_endpoint_profile: string; implicit: unknown }>("SELECT bundle_endpoint_profile, implicit FROM federated_trust_domains WHERE trust_domain = 'fed2.test'");
        assert.equal(f2?.bundle_endpoint_profile, 'https_web');
        const journals = await raw.query<{ active_x509_authority_id: string; active_jwt_authority_id: string }>('SELECT active_x509_authority_id, active_jwt_authority_id FROM ca_journals');
        assert.ok(
          // Upstream keys a journal by its active X.509 authority only; it never fills the JWT column.
          journals.some((j) => j.active_x509_authority_id === x509Prepared && j.active_jwt_authority_id === ''),
          `journal row keyed by the activated X.509 authority ${x509Prepared}: ${JSON.stringify(journals)}`,
        );
        const [own] = await raw.query<{ data: Uint8Array }>('SELECT data FROM bundles WHERE trust_domain = ?', [`spiffe://${TD}`]);
        const kids = decodeBundleProto(own!.data).bundle.jwtSigningKeys.map((k) => k.kid);
        assert.ok(kids.includes('go-jwt-key') && kids.includes(jwtPrepared), `JWT keys: ${kids.join()}`);
      } finally {
        await raw.close();
      }
    });
  });
}

suite('sqlite3', async () => ({ db: sqliteDb() }));
suite('postgres', postgresDb);
suite('mysql', mysqlDb);
