import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFromDir } from '../test-support/crash-harness.js';
import { TD, workloadCsr } from '../test-support/fixture.js';
import { opensslVerify } from '../test-support/openssl.js';
import { hex, readCertificate } from '../x509/certificate.js';
import { subjectKeyId } from '../x509/spki.js';
import { decodeJournalEntries } from './journal-codec.js';

const child = fileURLToPath(new URL('../test-support/crash-child.js', import.meta.url));
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runAndKill(dir: string, start: number, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, String(start)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let timer: NodeJS.Timeout | undefined;
    p.stdout.on('data', (d: Buffer) => {
      if (!timer && d.toString().includes('ready')) timer = setTimeout(() => p.kill('SIGKILL'), afterMs);
    });
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited with ${code} before it was killed`));
    });
  });
}

describe('crash during rotation', () => {
  it('a server killed with SIGKILL mid-rotation restarts with a consistent bundle and journal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ca-crash-'));
    dirs.push(dir);
    const start = Date.now();
    // Kill at different points; each run rotates many times (a 7 min step over a 1 h CA TTL).
    for (const ms of [150, 400, 275, 600, 90]) await runAndKill(dir, start, ms);

    const { m, ca, clock, km, ds } = await startFromDir(dir, start);
    const td = TD.idString();
    const bundle = (await ds.fetchBundle(td))!;
    const state = m.getX509AuthorityState();
    const activeRoot = bundle.rootCas.find((r) => hex(readCertificate(r.derBytes).subjectKeyId) === state.active!.authorityId);
    assert.ok(activeRoot, 'the active CA is in the bundle');
    const slotKey = await km.getPublicKey(m.getCurrentX509CASlot().kmKeyId);
    assert.equal(hex(subjectKeyId(slotKey.pkixData)), state.active!.authorityId, 'the active CA uses the KeyManager key');
    const jwtKid = m.getJWTAuthorityState().active!.authorityId;
    assert.ok(bundle.jwtSigningKeys.some((k) => k.kid === jwtKid), 'the active JWT key is in the bundle');

    // Every usable journal entry points at something the bundle has (bundle first, journal second).
    const ders = new Set(bundle.rootCas.map((r) => Buffer.from(r.derBytes).toString('hex')));
    assert.equal(ders.size, bundle.rootCas.length, 'no duplicate roots');
    const journal = await (ds as unknown as { listJournals(): Promise<Array<{ data: Uint8Array; activeX509AuthorityId: string }>> }).listJournals?.();
    if (journal) {
      const mine = journal.find((j) => j.activeX509AuthorityId === state.active!.authorityId);
      assert.ok(mine, 'the journal is found by the active authority ID');
      const entries = decodeJournalEntries(mine.data);
      const active = entries.x509CAs.filter((e) => e.status === 'ACTIVE');
      assert.ok(active.length >= 1);
      assert.ok(ders.has(Buffer.from(active.at(-1)!.certificate).toString('hex')));
    }

    // The restarted CA signs SVIDs that verify against the stored bundle.
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/after-crash', csr: workloadCsr().csr });
    const v = opensslVerify(bundle.rootCas.map((r) => r.derBytes), certChain[0]!, [], Math.floor(clock.now() / 1000));
    assert.ok(v.ok, v.out);
    // And a further rotation step works from the recovered state.
    clock.add(7 * 60 * 1000);
    await m.rotate();
    await m.close();
  });
});
