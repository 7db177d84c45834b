import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import { TrustDomain, silentLogger, type PluginData, type UpstreamAuthority, type MintX509CAResponse } from '@spire-ts/core/plugin';
import { EjbcaEmulator, TEST_CA_CERT_PATH, type EjbcaEmulatorOptions } from '@spire-ts/emulator-ejbca';

import { makeEjbcaUpstreamAuthority, type EjbcaInternalOptions } from './index.js';
import { x509 } from './x509.test-support.js';

// Test support for ejbca's tests against the EJBCA emulator (not shipped behaviour).

export const td = TrustDomain.parse('example.org');

export interface EjbcaTestEnv {
  ejbca: EjbcaEmulator;
  dir: string;
  /** plugin_data pointing at the emulator with a trusted client certificate. */
  data: PluginData;
  close(): Promise<void>;
}

/** Starts the emulator (profile validity 15 min) and writes a trusted client certificate and key. */
export async function startEjbca(o: EjbcaEmulatorOptions = {}): Promise<EjbcaTestEnv> {
  const ejbca = await EjbcaEmulator.start({ validityMs: 15 * 60_000, ...o });
  const dir = mkdtempSync(join(tmpdir(), 'ejbca-ua-'));
  const client = await ejbca.adminCredentials();
  writeFileSync(join(dir, 'client.pem'), client.certPem);
  writeFileSync(join(dir, 'client-key.pem'), client.keyPem);
  return {
    ejbca,
    dir,
    data: {
      hostname: ejbca.hostname,
      ca_cert_path: TEST_CA_CERT_PATH,
      client_cert_path: join(dir, 'client.pem'),
      client_cert_key_path: join(dir, 'client-key.pem'),
      ca_name: 'Fake-Sub-CA',
      end_entity_profile_name: 'fakeSpireIntermediateCAEEP',
      certificate_profile_name: 'fakeSubCACP',
    },
    close: () => ejbca.close(),
  };
}

/** ejbca built through its descriptor; throws when the config has problems. */
export async function makeUA(data: PluginData, opts: EjbcaInternalOptions = {}): Promise<UpstreamAuthority> {
  const d = makeEjbcaUpstreamAuthority({ env: {}, ...opts });
  const r = d.parseConfig(data, { trustDomain: td, dataDir: tmpdir() });
  if (!r.config) throw new Error(r.problems.join('; '));
  return d.create({ config: r.config, trustDomain: td, dataDir: tmpdir(), host: {}, log: silentLogger() });
}

/** A server CA CSR (DER): subject C=US, O=SPIFFE (and `cn` when given), URI SAN the trust domain, plus `ips`. */
export async function caCsr(o: { cn?: string; ips?: string[] } = {}): Promise<Uint8Array> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `C=US, O=SPIFFE${o.cn ? `, CN=${o.cn}` : ''}`,
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: 'spiffe://example.org' }, ...(o.ips ?? []).map((value) => ({ type: 'ip' as const, value }))])],
  });
  return new Uint8Array(csr.rawData);
}

/** The first response of a mint. */
export async function mint(ua: UpstreamAuthority, csr?: Uint8Array): Promise<MintX509CAResponse> {
  for await (const r of ua.mintX509CAAndSubscribe({ csr: csr ?? (await caCsr()), preferredTtlSeconds: 600 })) return r;
  throw new Error('no response');
}
