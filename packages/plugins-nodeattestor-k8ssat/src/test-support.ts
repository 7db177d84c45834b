import { generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustDomain, silentLogger, type HostServices, type Logger } from '@spire-ts/core/plugin';
import type { TokenReviewer } from '@spire-ts/plugin-kube';
import { k8sSatNodeAttestor } from './index.js';
import { SatAttestor, type SatAttestorOptions } from './sat-attestor.js';

// Test support for k8s_sat's tests (not shipped behaviour): keys, signed tokens, an attestor.

export const td = TrustDomain.parse('example.org');
export const core = { trustDomain: td, dataDir: tmpdir() };

/** Writes `text` to a new file in a fresh temp dir and returns its path. */
export function tempFile(name: string, text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'k8ssat-')), name);
  writeFileSync(p, text);
  return p;
}

/** A service account signing key pair of the given kind. */
export function saKey(kind: 'rsa' | 'ec' | 'ec384' | 'ed25519' = 'rsa'): { privateKey: KeyObject; publicKey: KeyObject; pem: string } {
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : kind === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: kind === 'ec' ? 'prime256v1' : 'secp384r1' });
  return { ...pair, pem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The claims of a legacy service account token, as the token controller wrote them. */
export function legacyClaims(namespace: string, serviceAccount: string): Record<string, unknown> {
  return {
    iss: 'kubernetes/serviceaccount',
    'kubernetes.io/serviceaccount/namespace': namespace,
    'kubernetes.io/serviceaccount/secret.name': `${serviceAccount}-token-abcde`,
    'kubernetes.io/serviceaccount/service-account.name': serviceAccount,
    'kubernetes.io/serviceaccount/service-account.uid': '1881e84f-b612-11e8-a543-0800272c6e42',
    sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
  };
}

/** A compact JWS of `claims` signed with `key` (alg from the key: RS256, ES256/ES384, or `alg`). */
export function signToken(claims: Record<string, unknown>, key: KeyObject, alg?: string): string {
  const a = alg ?? (key.asymmetricKeyType === 'rsa' ? 'RS256' : key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'ES384' : 'ES256');
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: a, typ: 'JWT' })}.${enc(claims)}`;
  const hash = `sha${a.slice(2)}`;
  const sig = a.startsWith('ES')
    ? sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    : sign(hash, Buffer.from(input), { key, padding: a.startsWith('PS') ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING });
  return `${input}.${sig.toString('base64url')}`;
}

/** The agent's payload. */
export const payloadOf = (cluster: string, token: string) => Buffer.from(JSON.stringify({ cluster, token }));

/** An AgentStore holding the given agent IDs. */
export function agentStoreHost(ids: Set<string> = new Set()): HostServices {
  return { agentStore: { getAgentInfo: async (id) => (ids.has(id) ? { agentId: id } : undefined) } };
}

/** Parses `data` and makes the attestor; throws on config problems. */
export function makeAttestor(
  data: Record<string, unknown>,
  opts: SatAttestorOptions & { host?: HostServices; log?: Logger; reviewers?: Map<string, TokenReviewer> } = {},
): SatAttestor {
  const r = k8sSatNodeAttestor.parseConfig(data, core);
  if (!r.config) throw new Error(r.problems.join('; '));
  return new SatAttestor(r.config, td, opts.reviewers ?? new Map(), opts.host ?? agentStoreHost(), opts.log ?? silentLogger(), opts);
}

/** A logger that keeps the messages of warn/error calls. */
export function recordingLogger(): { log: Logger; warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  const base = silentLogger();
  const pick = (args: unknown[]) => String(typeof args[0] === 'string' ? args[0] : args[1]);
  const log = new Proxy(base, {
    get(t, prop, recv) {
      if (prop === 'warn') return (...args: unknown[]) => warnings.push(pick(args));
      if (prop === 'error') return (...args: unknown[]) => errors.push(pick(args));
      return Reflect.get(t, prop, recv) as unknown;
    },
  });
  return { log, warnings, errors };
}

