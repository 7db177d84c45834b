/**
 * Shared setup of the swtpm-backed tests: one manufactured swtpm, an agent with an AK and a DevID
 * key, a DevID root and intermediate CA, the DevID certificate, the bundle files and an attestor
 * configured through plugin_data as a server would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustDomain, type PluginData } from '@spire-ts/core/plugin';
import { parseTpmDevidConfig } from './config.js';
import { TpmDevidAttestor } from './devid-attestor.js';
import { Swtpm, swtpmSkipReason, TestCa, TpmDevidAgent, type DevIdKind } from './testing/index.js';

export const td = TrustDomain.parse('example.org');

/** Why swtpm tests skip here (undefined: they run). Throws when SPIRE_TEST_REQUIRE_SWTPM=1 and swtpm is missing. */
export const swtpmSkip: string | undefined = swtpmSkipReason();

export interface Fixture {
  tpm: Swtpm;
  agent: TpmDevidAgent;
  root: TestCa;
  intermediate: TestCa;
  /** DevID leaf (for the agent's DevID key, CN node-1) then the intermediate. */
  chain: Buffer[];
  /** Paths of the DevID root bundle and the endorsement bundle. */
  devIdCaPath: string;
  endorsementCaPath: string;
  dir: string;
  /** An attestor configured from plugin_data (defaults: the two bundles above). */
  attestor(data?: PluginData): TpmDevidAttestor;
  close(): void;
}

/** Manufactures a swtpm and provisions the agent with a DevID key of `kind`. */
export async function startFixture(kind: DevIdKind = 'rsa'): Promise<Fixture> {
  const tpm = await Swtpm.start();
  try {
    const agent = await TpmDevidAgent.provision(tpm, kind);
    const root = await TestCa.create('DevID Root CA');
    const intermediate = await TestCa.create('DevID Intermediate CA', root);
    const chain = [await intermediate.issue({ cn: 'node-1', publicKey: agent.devId.publicKey }), intermediate.der];
    const dir = mkdtempSync(join(tmpdir(), 'tpmdevid-'));
    const devIdCaPath = join(dir, 'devid-ca.pem');
    const endorsementCaPath = join(dir, 'endorsement-ca.pem');
    writeFileSync(devIdCaPath, root.pem);
    writeFileSync(endorsementCaPath, tpm.endorsementCaPem);
    return {
      tpm, agent, root, intermediate, chain, devIdCaPath, endorsementCaPath, dir,
      attestor(data = { devid_ca_path: devIdCaPath, endorsement_ca_path: endorsementCaPath }) {
        const r = parseTpmDevidConfig(data, { trustDomain: td, dataDir: dir });
        if (!r.config) throw new Error(r.problems.join('; '));
        return new TpmDevidAttestor(r.config, td);
      },
      close() {
        tpm.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    tpm.stop();
    throw e;
  }
}
