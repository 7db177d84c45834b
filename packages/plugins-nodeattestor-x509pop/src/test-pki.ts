/**
 * Test helpers (not shipped behaviour): a small PKI made with @peculiar/x509 and the agent side of
 * SPIRE's x509pop, written from the wire format so the server is tested against an independent
 * encoder.
 */
import { constants, createPrivateKey, randomBytes, sign, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from './x509-lib.js';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface Issued {
  cert: x509.X509Certificate;
  der: Buffer;
  keys: CryptoKeyPair;
  privateKey: KeyObject;
}

export type KeyKind = 'ec256' | 'ec384' | { rsa: number };

const ecdsa = { name: 'ECDSA', hash: 'SHA-256' };

async function keyPair(kind: KeyKind): Promise<CryptoKeyPair> {
  if (kind === 'ec256' || kind === 'ec384') {
    return (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: kind === 'ec256' ? 'P-256' : 'P-384' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  }
  return (await webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: kind.rsa, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
}

function signingAlg(keys: CryptoKeyPair): Algorithm {
  return keys.privateKey.algorithm.name === 'ECDSA' ? ecdsa : { name: 'RSASSA-PKCS1-v1_5' };
}

let serial = 1;

export interface IssueOpts {
  cn: string;
  key?: KeyKind;
  ca?: boolean;
  pathLen?: number;
  keyUsage?: number;
  notBefore?: Date;
  notAfter?: Date;
  uris?: string[];
  ips?: string[];
  dns?: string[];
  serial?: string;
  extra?: x509.Extension[];
}

/** Makes a certificate signed by `issuer`, or self-signed when `issuer` is undefined. */
export async function issue(o: IssueOpts, issuer?: Issued): Promise<Issued> {
  const keys = await keyPair(o.key ?? 'ec256');
  const ca = o.ca ?? false;
  const extensions: x509.Extension[] = [];
  if (ca) extensions.push(new x509.BasicConstraintsExtension(true, o.pathLen, true));
  extensions.push(
    new x509.KeyUsagesExtension(
      o.keyUsage ?? (ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature),
      true,
    ),
  );
  const names: x509.JsonGeneralName[] = [
    ...(o.uris ?? []).map((value) => ({ type: 'url' as const, value })),
    ...(o.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(o.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  extensions.push(...(o.extra ?? []));
  const common = {
    serialNumber: o.serial ?? (serial++).toString(16).padStart(2, '0'),
    notBefore: o.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: o.notAfter ?? new Date(Date.now() + 3_600_000),
    extensions,
  };
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: `CN=${o.cn}`,
        issuer: issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
        signingAlgorithm: signingAlg(issuer.keys),
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: `CN=${o.cn}`, keys, signingAlgorithm: signingAlg(keys) });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { cert, der: Buffer.from(cert.rawData), keys, privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }) };
}

/** The attestation payload SPIRE's agent sends: `{"certificates":[<base64 DER>…]}`, leaf first. */
export function payloadOf(...certs: Issued[]): Buffer {
  return Buffer.from(JSON.stringify({ certificates: certs.map((c) => c.der.toString('base64')) }));
}

function minimal(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Answers a challenge as SPIRE's agent does: sign SHA-256(challenge nonce ‖ own nonce) with the key. */
export function respond(key: KeyObject, challengeBytes: Uint8Array): Buffer {
  const ch = JSON.parse(Buffer.from(challengeBytes).toString('utf8')) as {
    rsa_signature: { nonce: string } | null;
    ecdsa_signature: { nonce: string } | null;
  };
  const nonce = randomBytes(32);
  if (key.asymmetricKeyType === 'rsa') {
    if (!ch.rsa_signature) throw new Error('expecting RSA challenge');
    const data = Buffer.concat([Buffer.from(ch.rsa_signature.nonce, 'base64'), nonce]);
    const signature = sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN });
    return Buffer.from(JSON.stringify({ rsa_signature: { nonce: nonce.toString('base64'), signature: signature.toString('base64') }, ecdsa_signature: null }));
  }
  if (!ch.ecdsa_signature) throw new Error('expecting ECDSA challenge');
  const data = Buffer.concat([Buffer.from(ch.ecdsa_signature.nonce, 'base64'), nonce]);
  const sig = sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
  const half = sig.length / 2;
  return Buffer.from(
    JSON.stringify({
      rsa_signature: null,
      ecdsa_signature: {
        nonce: nonce.toString('base64'),
        r: minimal(sig.subarray(0, half)).toString('base64'),
        s: minimal(sig.subarray(half)).toString('base64'),
      },
    }),
  );
}

/** A challenge answerer bound to one key. */
export const responder = (key: KeyObject) => async (c: Uint8Array) => respond(key, c);

/** PEM of certificates, for CA bundle files. */
export function pem(...certs: Issued[]): string {
  return certs.map((c) => c.cert.toString('pem')).join('\n') + '\n';
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustDomain, silentLogger, type HostServices, type NodeAttestor } from '@spire-ts/core/plugin';
import { x509popNodeAttestor } from './index.js';

export const td = TrustDomain.parse('example.org');

/** Writes `text` to a new file in a fresh temp dir and returns its path. */
export function tempFile(name: string, text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'x509pop-')), name);
  writeFileSync(p, text);
  return p;
}

/** Builds the plugin through its descriptor, as the catalog does. Throws on config problems. */
export async function makeAttestor(data: Record<string, unknown>, host: HostServices = {}): Promise<NodeAttestor> {
  const core = { trustDomain: td, dataDir: tmpdir() };
  const r = x509popNodeAttestor.parseConfig(data, core);
  if (!r.config) throw new Error(r.problems.join('; '));
  return x509popNodeAttestor.create({ config: r.config, log: silentLogger(), trustDomain: td, dataDir: tmpdir(), host });
}
