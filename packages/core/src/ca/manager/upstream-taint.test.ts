// An upstream SPIRE server taints the authority that signed this server's CA: this server moves
// to a CA signed by the new upstream authority, then marks the old one tainted in its bundle and
// replaces its own SVID; once the upstream drops the tainted root, this server revokes it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, SpireError } from '../../errors.js';
import { recordingLogger } from '../../log/recording-logger.js';
import type { X509Certificate } from '../../plugins/types.js';
import type { MintX509CAResponse, UpstreamAuthority } from '../../plugins/upstreamauthority/contract.js';
import { TD } from '../test-support/fixture.js';
import { newWorld, startManager } from '../test-support/manager-fixture.js';
import { fromPem, hex, readCertificate, toPem } from '../x509/certificate.js';
import { parseUpstreamKey, signCaCsr } from '../x509/upstream-ca.js';

const dir = mkdtempSync(join(tmpdir(), 'upstream-taint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

interface Root {
  der: Uint8Array;
  keyPem: string;
  skid: string;
}

/** A self-signed upstream root made by the openssl CLI. */
function makeRoot(name: string): Root {
  const r = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/CN=upstream ${name}`, '-days', '3', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  assert.ok(r.ok, r.out);
  const der = fromPem(readFileSync(join(dir, `${name}.crt`), 'utf8'))[0]!;
  return { der, keyPem: readFileSync(join(dir, `${name}.key`), 'utf8'), skid: hex(readCertificate(der).subjectKeyId) };
}

/** Whether openssl verifies `ca` against `root` alone. */
function verifiesAgainst(ca: Uint8Array, root: Root, name: string): boolean {
  writeFileSync(join(dir, `${name}-ca.pem`), toPem([ca]));
  writeFileSync(join(dir, `${name}-root.pem`), toPem([root.der]));
  return openssl(['verify', '-CAfile', `${name}-root.pem`, `${name}-ca.pem`]).ok;
}

/**
 * An upstream authority steered by the test: it signs with its `active` root and reports
 * `reported` roots on each mint, and again on every open mint stream when `report` is called, as
 * the `spire` plugin forwards the upstream server's bundle.
 */
class SteeredUpstream implements UpstreamAuthority {
  reported: X509Certificate[];
  private readonly streams = new Set<(roots: X509Certificate[]) => void>();
  constructor(public active: Root) {
    this.reported = [{ asn1: active.der, tainted: false }];
  }
  report(roots: X509Certificate[]): void {
    this.reported = roots;
    for (const s of this.streams) s(roots);
  }
  async *mintX509CAAndSubscribe(req: { csr: Uint8Array; preferredTtlSeconds: number }, signal?: AbortSignal): AsyncIterable<MintX509CAResponse> {
    const { key, keyType } = parseUpstreamKey(this.active.keyPem);
    const ca = await signCaCsr({ key, keyType, caCert: this.active.der, chain: [], roots: [this.active.der] }, req.csr, TD.idString(), req.preferredTtlSeconds, Date.now());
    yield { x509CaChain: [ca], upstreamX509Roots: this.reported };
    const queue: X509Certificate[][] = [];
    let wake = () => {};
    const push = (roots: X509Certificate[]) => {
      queue.push(roots);
      wake();
    };
    this.streams.add(push);
    try {
      while (!signal?.aborted) {
        const next = queue.shift();
        if (next) yield { x509CaChain: [], upstreamX509Roots: next };
        else await new Promise<void>((resolve) => {
          wake = resolve;
          signal?.addEventListener('abort', () => resolve(), { once: true });
        });
      }
    } finally {
      this.streams.delete(push);
    }
  }
  // eslint-disable-next-line require-yield
  async *publishJWTKeyAndSubscribe(): AsyncIterable<{ upstreamJwtKeys: [] }> {
    throw new SpireError(Code.UNIMPLEMENTED, 'not supported');
  }
  async close(): Promise<void> {}
}

async function until(what: string, cond: () => Promise<boolean> | boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const td = TD.idString();

describe('tainted upstream authorities (SPIRE\'s SyncX509Roots)', () => {
  const a = makeRoot('a');
  const b = makeRoot('b');
  const c = makeRoot('c');

  it('moves the CA off a tainted upstream root first, then taints it, tells the CA listeners, and revokes it once dropped', async () => {
    const w = newWorld();
    const ua = new SteeredUpstream(a);
    const { log, records } = recordingLogger();
    const { m, ca } = await startManager(w, { upstreamAuthority: ua, log });
    const tainted: Uint8Array[][] = [];
    ca.onTaintedX509Authorities((t) => tainted.push(t));
    const firstCA = m.getCurrentX509CASlot().x509CA!.certificate.der;
    assert.ok(verifiesAgainst(firstCA, a, 'first'));

    // The upstream prepares and activates B: both roots reach the bundle, untainted.
    ua.active = b;
    ua.report([{ asn1: a.der, tainted: false }, { asn1: b.der, tainted: false }]);
    await until('B in the bundle', async () => ((await w.ds.fetchBundle(td))?.rootCas.length ?? 0) === 2);
    assert.deepEqual((await w.ds.fetchBundle(td))!.rootCas.map((r) => r.taintedKey), [false, false]);
    assert.deepEqual(m.getCurrentX509CASlot().x509CA!.certificate.der, firstCA, 'a new upstream root alone changes nothing');

    // The upstream taints A.
    ua.report([{ asn1: a.der, tainted: true }, { asn1: b.der, tainted: false }]);
    await until('A tainted in the bundle', async () => (await w.ds.fetchBundle(td))!.rootCas.some((r) => r.taintedKey));
    const now = m.getCurrentX509CASlot().x509CA!.certificate.der;
    assert.notDeepEqual(now, firstCA, 'a new CA is active');
    assert.ok(verifiesAgainst(now, b, 'second'), 'the new CA is signed by B (openssl verify)');
    assert.ok(!verifiesAgainst(now, a, 'second-a'));
    assert.equal(m.getNextX509CASlot().isEmpty(), true, 'the old CA is retired');
    const bundle = (await w.ds.fetchBundle(td))!;
    assert.deepEqual(bundle.rootCas.map((r) => [hex(readCertificate(r.derBytes).subjectKeyId), r.taintedKey]), [[a.skid, true], [b.skid, false]]);
    assert.deepEqual(tainted, [[a.der]]);
    assert.ok(records.some((r) => r.msg === 'Current root CA is signed by a tainted upstream authority, preparing rotation'));
    await m.settled();
    assert.deepEqual(w.notifier.updated.at(-1)!.x509Authorities.find((x) => x.tainted)?.asn1, a.der, 'Notifiers hear of the taint');

    // The same report again: already handled, nothing more happens.
    ua.report([{ asn1: a.der, tainted: true }, { asn1: b.der, tainted: false }]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(tainted.length, 1);
    assert.deepEqual(m.getCurrentX509CASlot().x509CA!.certificate.der, now);

    // The upstream revokes A: it leaves the report, and this server revokes it too.
    ua.report([{ asn1: b.der, tainted: false }]);
    await until('A revoked', async () => (await w.ds.fetchBundle(td))!.rootCas.length === 1);
    assert.deepEqual((await w.ds.fetchBundle(td))!.rootCas.map((r) => hex(readCertificate(r.derBytes).subjectKeyId)), [b.skid]);
    assert.ok(records.some((r) => r.msg === 'X.509 authority revoked' && r.subject_key_id === a.skid));
    await m.close();
  });

  it('a prepared CA signed by the tainted root is not used: another one is prepared', async () => {
    const w = newWorld();
    const ua = new SteeredUpstream(a);
    const { log, records } = recordingLogger();
    const { m } = await startManager(w, { upstreamAuthority: ua, log });
    await m.prepareX509CA(); // still signed by A
    const preparedUnderA = m.getNextX509CASlot().x509CA!.certificate.der;
    ua.active = b;
    ua.report([{ asn1: a.der, tainted: true }, { asn1: b.der, tainted: false }]);
    await until('A tainted', async () => (await w.ds.fetchBundle(td))!.rootCas.some((r) => r.taintedKey));
    const now = m.getCurrentX509CASlot().x509CA!.certificate.der;
    assert.notDeepEqual(now, preparedUnderA);
    assert.ok(verifiesAgainst(now, b, 'third'));
    assert.ok(records.some((r) => r.msg === 'Next authority is tainted, prepare new X.509 authority'));
    await m.close();
  });

  it('a tainted root this CA does not chain to is tainted without a rotation; a new root may arrive tainted', async () => {
    const w = newWorld();
    const ua = new SteeredUpstream(b);
    ua.reported = [{ asn1: b.der, tainted: false }, { asn1: c.der, tainted: false }];
    const { m, ca } = await startManager(w, { upstreamAuthority: ua });
    const tainted: Uint8Array[][] = [];
    ca.onTaintedX509Authorities((t) => tainted.push(t));
    const firstCA = m.getCurrentX509CASlot().x509CA!.certificate.der;
    ua.report([{ asn1: b.der, tainted: false }, { asn1: c.der, tainted: true }, { asn1: a.der, tainted: true }]);
    await until('C tainted', async () => (await w.ds.fetchBundle(td))!.rootCas.filter((r) => r.taintedKey).length === 2);
    await m.settled();
    assert.deepEqual(m.getCurrentX509CASlot().x509CA!.certificate.der, firstCA, 'no rotation');
    assert.deepEqual(tainted, [[c.der]], 'only a root the bundle held untainted is processed');
    const flags = new Map((await w.ds.fetchBundle(td))!.rootCas.map((r) => [hex(readCertificate(r.derBytes).subjectKeyId), r.taintedKey]));
    assert.deepEqual(Object.fromEntries(flags), { [b.skid]: false, [c.skid]: true, [a.skid]: true });
    await m.close();
  });

  it('TaintX509UpstreamAuthority (the operator\'s way): taints the root in the bundle and tells the CA listeners', async () => {
    const w = newWorld();
    const ua = new SteeredUpstream(a);
    const { m, ca } = await startManager(w, { upstreamAuthority: ua });
    ua.active = b;
    ua.reported = [{ asn1: a.der, tainted: false }, { asn1: b.der, tainted: false }];
    const prepared = await m.prepareX509Authority();
    await m.activateX509Authority(prepared.authorityId);
    assert.equal(m.getX509AuthorityState().old?.upstreamAuthoritySubjectKeyId, a.skid);
    const tainted: Uint8Array[][] = [];
    ca.onTaintedX509Authorities((t) => tainted.push(t));
    assert.equal(await m.taintX509UpstreamAuthority(a.skid), a.skid);
    assert.deepEqual(tainted, [[a.der]]);
    const flags = (await w.ds.fetchBundle(td))!.rootCas.map((r) => [hex(readCertificate(r.derBytes).subjectKeyId), r.taintedKey]);
    assert.deepEqual(flags, [[a.skid, true], [b.skid, false]]);
    await m.close();
  });
});
