/**
 * Test helpers (not shipped behaviour): host keys made with node:crypto, host certificates signed
 * by `ssh-keygen -s` (a tool nobody here wrote), and the agent side of SPIRE's sshpop written from
 * the wire format.
 */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustDomain, silentLogger, type NodeAttestor } from '@spire-ts/core/plugin';
import { sshpopNodeAttestor } from './index.js';
import { sshString } from './ssh-wire.js';

export const td = TrustDomain.parse('example.org');
export type HostKeyKind = 'ed25519' | 'ecdsa' | 'rsa';

export interface HostKey {
  kind: HostKeyKind;
  privateKey: KeyObject;
  /** authorized_keys form: `<type> <base64>`. */
  line: string;
}

function mpint(b64u: string): Buffer {
  const b = Buffer.from(b64u, 'base64url');
  return (b[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), b]) : b;
}

/** Makes a host key pair and its OpenSSH public key line. */
export function hostKey(kind: HostKeyKind): HostKey {
  if (kind === 'ed25519') {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const x = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    return { kind, privateKey, line: `ssh-ed25519 ${Buffer.concat([sshString('ssh-ed25519'), sshString(x)]).toString('base64')}` };
  }
  if (kind === 'ecdsa') {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const j = publicKey.export({ format: 'jwk' });
    const q = Buffer.concat([Buffer.from([4]), Buffer.from(j.x!, 'base64url'), Buffer.from(j.y!, 'base64url')]);
    const blob = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(q)]);
    return { kind, privateKey, line: `ecdsa-sha2-nistp256 ${blob.toString('base64')}` };
  }
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const j = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString('ssh-rsa'), sshString(mpint(j.e!)), sshString(mpint(j.n!))]);
  return { kind, privateKey, line: `ssh-rsa ${blob.toString('base64')}` };
}

/** A CA made by ssh-keygen in its own temp dir. */
export interface SshCa {
  dir: string;
  keyPath: string;
  /** The CA's public key line (authorized_keys form, with comment). */
  publicLine: string;
}

export function makeCa(kind: 'ed25519' | 'rsa' = 'ed25519'): SshCa {
  const dir = mkdtempSync(join(tmpdir(), 'sshpop-'));
  const keyPath = join(dir, 'ca');
  execFileSync('ssh-keygen', ['-q', '-t', kind, ...(kind === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', 'test-ca', '-f', keyPath]);
  return { dir, keyPath, publicLine: readFileSync(`${keyPath}.pub`, 'utf8').trim() };
}

let n = 0;

/** Signs a host (or, with user=true, a user) certificate with `ssh-keygen -s`; returns the blob. */
export function certify(ca: SshCa, key: HostKey, o: { principals?: string[]; validity?: string; user?: boolean; } = {}): Buffer {
  const pub = join(ca.dir, `host${n++}.pub`);
  writeFileSync(pub, `${key.line} host\n`);
  const args = ['-q', '-s', ca.keyPath, '-I', 'host-id'];
  if (!o.user) args.push('-h');
  if ((o.principals ?? ['host.example.org']).length > 0) args.push('-n', (o.principals ?? ['host.example.org']).join(','));
  if (o.validity) args.push('-V', o.validity);
  execFileSync('ssh-keygen', [...args, pub], { stdio: ['ignore', 'ignore', 'pipe'] });
  const line = readFileSync(pub.replace(/\.pub$/, '-cert.pub'), 'utf8');
  return Buffer.from(line.trim().split(/\s+/)[1]!, 'base64');
}

/** The payload SPIRE's agent sends: `{"Certificate":"<base64 blob>"}`. */
export function payloadOf(certBlob: Buffer): Buffer {
  return Buffer.from(JSON.stringify({ Certificate: certBlob.toString('base64') }));
}

function mpintRaw(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const t = b.subarray(i);
  return (t[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), t]) : t;
}

/** Signs as Go's ssh.Signer does by default: ssh-rsa (SHA-1) for RSA, the key's own format otherwise. */
export function sshSign(key: HostKey, data: Buffer): { Format: string; Blob: string; Rest: null } {
  if (key.kind === 'ed25519') return { Format: 'ssh-ed25519', Blob: sign(null, data, key.privateKey).toString('base64'), Rest: null };
  if (key.kind === 'ecdsa') {
    const sig = sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    const blob = Buffer.concat([sshString(mpintRaw(sig.subarray(0, 32))), sshString(mpintRaw(sig.subarray(32)))]);
    return { Format: 'ecdsa-sha2-nistp256', Blob: blob.toString('base64'), Rest: null };
  }
  return { Format: 'ssh-rsa', Blob: sign('sha1', data, key.privateKey).toString('base64'), Rest: null };
}

/** Answers a challenge as SPIRE's agent does. */
export const responder = (key: HostKey) => async (challenge: Uint8Array) => {
  const { Nonce } = JSON.parse(Buffer.from(challenge).toString('utf8')) as { Nonce: string };
  const own = randomBytes(32);
  const digest = createHash('sha256').update(Buffer.from(Nonce, 'base64')).update(own).digest();
  return Buffer.from(JSON.stringify({ Nonce: own.toString('base64'), Signature: sshSign(key, digest) }));
};

/** Builds the plugin through its descriptor, as the catalog does. Throws on config problems. */
export async function makeAttestor(data: Record<string, unknown>): Promise<NodeAttestor> {
  const core = { trustDomain: td, dataDir: tmpdir() };
  const r = sshpopNodeAttestor.parseConfig(data, core);
  if (!r.config) throw new Error(r.problems.join('; '));
  return sshpopNodeAttestor.create({ config: r.config, log: silentLogger(), trustDomain: td, dataDir: tmpdir(), host: {} });
}
