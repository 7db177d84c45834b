import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code } from '../../errors.js';
import { silentLogger } from '../../log/logger.js';
import type { AnyPluginDescriptor } from '../../plugins/descriptor.js';
import type { MintX509CAResponse, UpstreamAuthority } from '../../plugins/upstreamauthority/contract.js';
import { untaintedRoots } from '../../plugins/types.js';
import { ServerCA } from '../server-ca.js';
import { fromPem } from '../x509/certificate.js';
import { TD } from '../test-support/fixture.js';
import { newWorld, startManager } from '../test-support/manager-fixture.js';
import { signerFor } from '../signer.js';
import { selfSignX509CA } from '../x509-ca-builder.js';
import { UpstreamStream } from './upstream-stream.js';
import { x509CAValidationProblem } from './x509-ca-validation.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';

/** A root and an intermediate made by the openssl CLI (not by code under test), named after `name`. */
function pki(name: string): { dir: string; root: string; int: string; intKey: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ca-validate-'));
  dirs.push(dir);
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  writeFileSync(join(dir, 'ext.cnf'), CA_EXT);
  run(['req', '-x509', ...key, '-keyout', 'root.key', '-out', 'root.crt', '-subj', `/CN=${name} root`, '-days', '3', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', ...key, '-keyout', 'int.key', '-out', 'int.csr', '-subj', `/CN=${name} intermediate`]);
  run(['x509', '-req', '-in', 'int.csr', '-CA', 'root.crt', '-CAkey', 'root.key', '-set_serial', '7', '-days', '2', '-extfile', 'ext.cnf', '-out', 'int.crt']);
  return { dir, root: join(dir, 'root.crt'), int: join(dir, 'int.crt'), intKey: join(dir, 'int.key') };
}

// Loaded by name, as the catalog loads it: the plugin builds after core (a devDependency of core).
const DISK_UA = '@spire-ts/plugins-upstreamauthority-disk';
const { diskUpstreamAuthority } = (await import(DISK_UA)) as { diskUpstreamAuthority: AnyPluginDescriptor };

async function diskUA(p: { root: string; int: string; intKey: string }): Promise<UpstreamAuthority> {
  const core = { trustDomain: TD, dataDir: '/tmp' };
  const parsed = diskUpstreamAuthority.parseConfig({ cert_file_path: p.int, key_file_path: p.intKey, bundle_file_path: p.root }, core);
  assert.deepEqual(parsed.problems, []);
  return (await diskUpstreamAuthority.create({ config: parsed.config!, log: silentLogger(), ...core, host: {} })) as UpstreamAuthority;
}

/** The disk UpstreamAuthority with its first answer changed by `edit` (a misbehaving upstream). */
function tampered(ua: UpstreamAuthority, edit: (m: MintX509CAResponse) => void): UpstreamAuthority {
  return {
    ...ua,
    mintX509CAAndSubscribe: (req, signal) => ({
      async *[Symbol.asyncIterator]() {
        for await (const m of ua.mintX509CAAndSubscribe(req, signal)) {
          const copy = { ...m, x509CaChain: [...m.x509CaChain], upstreamX509Roots: [...m.upstreamX509Roots] };
          edit(copy);
          yield copy;
          return;
        }
      },
    }),
  } as UpstreamAuthority;
}

const certs = (path: string) => fromPem(readFileSync(path, 'utf8'));
const roots = (path: string) => untaintedRoots(certs(path));

async function mintThrough(ua: UpstreamAuthority) {
  const w = newWorld();
  const appended: unknown[] = [];
  const stream = new UpstreamStream({ trustDomain: TD, clock: w.clock, log: silentLogger(), upstreamAuthority: ua, caTtlMs: 3600_000, syncRoots: async (r) => void appended.push(r) });
  await w.km.generateKey('ca', 'ec-p256');
  const signer = await signerFor(w.km, 'ca', w.pool);
  return { appended, stream, mint: () => stream.mintX509CA(signer) };
}

test('an upstream CA that chains to the upstream roots passes, and its roots reach the bundle', async () => {
  const t = await mintThrough(await diskUA(pki('good')));
  const ca = await t.mint();
  t.stream.close();
  assert.equal(ca.upstreamChain.length, 2);
  assert.equal(t.appended.length, 1);
});

test('an upstream answer whose chain does not lead to the returned roots is refused and nothing is appended', async () => {
  const other = pki('other');
  const t = await mintThrough(tampered(await diskUA(pki('good')), (m) => (m.upstreamX509Roots = roots(other.root))));
  await assert.rejects(t.mint(), {
    code: Code.INVALID_ARGUMENT,
    message:
      'X509 CA minted by upstream authority is invalid: X509 CA produced an invalid X509-SVID chain: x509svid: could not verify leaf certificate: x509: certificate signed by unknown authority',
  });
  assert.equal(t.appended.length, 0);
});

test('a refused upstream CA ends its subscription (the authority\'s stream is aborted)', async () => {
  const other = pki('other');
  const bad = tampered(await diskUA(pki('good')), (m) => (m.upstreamX509Roots = roots(other.root)));
  const signals: (AbortSignal | undefined)[] = [];
  const t = await mintThrough({ ...bad, mintX509CAAndSubscribe: (req, signal) => (signals.push(signal), bad.mintX509CAAndSubscribe(req, signal)) });
  await assert.rejects(t.mint(), { code: Code.INVALID_ARGUMENT });
  assert.equal(signals.length, 1);
  assert.equal(signals[0]?.aborted, true);
});

test('an upstream chain with the wrong intermediate is refused', async () => {
  const other = pki('other');
  const t = await mintThrough(tampered(await diskUA(pki('good')), (m) => (m.x509CaChain = [m.x509CaChain[0]!, ...certs(other.int)])));
  await assert.rejects(t.mint(), {
    code: Code.INVALID_ARGUMENT,
    message:
      'X509 CA minted by upstream authority is invalid: X509 CA produced an invalid X509-SVID chain: x509svid: could not verify leaf certificate: x509: certificate signed by unknown authority',
  });
  assert.equal(t.appended.length, 0);
});

test('a refused upstream CA is never activated: the manager does not start and the ServerCA has no X509 CA', async () => {
  const other = pki('other');
  const w = newWorld();
  const ua = tampered(await diskUA(pki('good')), (m) => (m.upstreamX509Roots = roots(other.root)));
  const ca = new ServerCA({ trustDomain: TD, clock: w.clock });
  await assert.rejects(startManager(w, { upstreamAuthority: ua, ca }), { code: Code.INVALID_ARGUMENT });
  assert.equal(ca.getX509CA(), undefined);
});

test('a self-signed CA passes, and one for another trust domain does not', async () => {
  const w = newWorld();
  await w.km.generateKey('ca', 'ec-p256');
  const signer = await signerFor(w.km, 'ca', w.pool);
  const good = await selfSignX509CA(signer, { trustDomainId: TD.idString() }, w.clock.now(), 3600_000);
  assert.equal(await x509CAValidationProblem({ certificate: good, signer, upstreamChain: [], roots: [good.der] }, TD, w.clock.now()), undefined);
  const foreign = await selfSignX509CA(signer, { trustDomainId: 'spiffe://elsewhere.test' }, w.clock.now(), 3600_000);
  assert.equal(
    await x509CAValidationProblem({ certificate: foreign, signer, upstreamChain: [], roots: [foreign.der] }, TD, w.clock.now()),
    'invalid upstream-signed X509 CA: invalid X509 CA: expected URI SAN "spiffe://example.org" but got "spiffe://elsewhere.test"',
  );
});

test('a self-signed CA checked after it expired is refused', async () => {
  const w = newWorld();
  await w.km.generateKey('ca', 'ec-p256');
  const signer = await signerFor(w.km, 'ca', w.pool);
  const ca = await selfSignX509CA(signer, { trustDomainId: TD.idString() }, w.clock.now(), 3600_000);
  const later = ca.notAfter + 1000;
  assert.equal(
    await x509CAValidationProblem({ certificate: ca, signer, upstreamChain: [], roots: [ca.der] }, TD, later),
    `invalid upstream-signed X509 CA: invalid X509 CA: already expired as of ${new Date(ca.notAfter).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
  );
});
