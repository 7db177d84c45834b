import { generateKeyPairSync, createSign } from 'node:crypto';
import type { KeyManager, KeyType } from '../../plugins/keymanager/contract.js';
import { TrustDomain } from '../../spiffeid/trust-domain.js';
import { InProcessKeyManager } from '../../plugins/keymanager/in-process-key-manager.js';
import { signerFor } from '../signer.js';
import { ServerCA, type ServerCAConfig } from '../server-ca.js';
import type { SigningPool } from '../pool/signing-pool.js';
import { selfSignX509CA } from '../x509-ca-builder.js';
import { algorithmIdentifier } from '../x509/certificate.js';
import { assembleCsr } from '../x509/csr-builder.js';
import { explicit, seq, smallInt } from '../../der.js';
import { encodeName } from '../x509/name.js';
import { OID } from '../x509/oids.js';
import { emptyDistinguishedName } from '../../plugins/credentialcomposer/contract.js';
import { FakeClock } from './fake-clock.js';

export const TD = TrustDomain.parse('example.org');

/** A KeyManager that only offers the contract, like a remote one: no worker key export. */
export function remoteLike(km: KeyManager): KeyManager {
  return {
    generateKey: (id, t) => km.generateKey(id, t),
    getPublicKey: (id) => km.getPublicKey(id),
    getPublicKeys: () => km.getPublicKeys(),
    signData: (id, d, o) => km.signData(id, d, o),
  };
}

/** A ServerCA with a fresh self-signed CA of `caKeyType` and a JWT key of `jwtKeyType`. */
export async function makeCA(
  pool: SigningPool,
  opts: { caKeyType?: KeyType; jwtKeyType?: KeyType; remote?: boolean; config?: Partial<ServerCAConfig>; caTtlMs?: number } = {},
) {
  const clock = new FakeClock(Date.now());
  const inproc = new InProcessKeyManager();
  const km = opts.remote ? remoteLike(inproc) : inproc;
  await km.generateKey('x509-CA-A', opts.caKeyType ?? 'ec-p256');
  await km.generateKey('JWT-Signer-A', opts.jwtKeyType ?? 'ec-p256');
  const caSigner = await signerFor(km, 'x509-CA-A', pool);
  const cert = await selfSignX509CA(caSigner, { trustDomainId: TD.idString() }, clock.now(), opts.caTtlMs ?? 24 * 3600_000);
  const ca = new ServerCA({ trustDomain: TD, clock, ...opts.config });
  ca.setX509CA({ signer: caSigner, certificate: cert, upstreamChain: [] });
  const jwtSigner = await signerFor(km, 'JWT-Signer-A', pool);
  ca.setJWTKey({ signer: jwtSigner, kid: 'kid-A', notAfter: cert.notAfter });
  return { ca, clock, km, cert, jwtSigner };
}

/** A workload key pair and a CSR for it, made with node:crypto (the "agent" side). */
export function workloadCsr(type: 'ec' | 'rsa' = 'ec', tamper = false): { csr: Uint8Array; spki: Uint8Array } {
  const { privateKey, publicKey } =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const info = seq(smallInt(0), encodeName(emptyDistinguishedName()), spki, explicit(0));
  const sig = createSign('sha256').update(info).sign(privateKey);
  if (tamper) sig[sig.length - 5]! ^= 0x01;
  const alg = type === 'ec' ? algorithmIdentifier(OID.ecdsaWithSHA256, false) : algorithmIdentifier(OID.sha256WithRSA, true);
  return { csr: assembleCsr(info, alg, sig), spki };
}
