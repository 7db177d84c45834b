import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { MintWITSVIDResponse__Output } from '../../../proto/gen/api/spire/api/server/svid/v1/MintWITSVIDResponse.js';
import type { WITSVID__Output } from '../../../proto/gen/api/spire/api/types/WITSVID.js';
import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SpiffeId } from '../../../spiffeid/index.js';
import { apiCommand, osErrorText } from '../../api-command.js';
import { durationFlag, rfc3339, ttlSeconds } from '../../duration-flag.js';
import { goJson, goQuote } from '../../go-format.js';

/** The environment variable naming the feature flags commands outside `run` honour, space-separated. */
export const FFLAGS_ENV = 'SPIRE_SERVER_FFLAGS';

/** True when SPIRE_SERVER_FFLAGS (split on single spaces, as SPIRE does) names `flag`. */
export function featureFlagSet(env: NodeJS.ProcessEnv, flag: string): boolean {
  return (env[FFLAGS_ENV] ?? '').split(' ').includes(flag);
}

type KeyType = { kind: 'ec'; curve: 'P-256' | 'P-384' } | { kind: 'rsa'; bits: 2048 | 4096 };

/** The workload key for `-keyType` under `-signingAlgorithm`, refused in SPIRE's words. */
function keyTypeFor(keyType: string, alg: string): KeyType {
  if (['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'].includes(alg)) {
    if (keyType === 'rsa-2048') return { kind: 'rsa', bits: 2048 };
    if (keyType === 'rsa-4096') return { kind: 'rsa', bits: 4096 };
    throw new Error(`unsupported key type '${keyType}' for signing algorithm '${alg}'`);
  }
  if (alg === 'ES256' || alg === 'ES384') {
    const want = alg === 'ES256' ? 'ec-p256' : 'ec-p384';
    if (keyType !== want) throw new Error(`unsupported key type '${keyType}' for '${alg}' signing algorithm`);
    return { kind: 'ec', curve: alg === 'ES256' ? 'P-256' : 'P-384' };
  }
  throw new Error(`unsupported signing algorithm: ${alg}`);
}

/** The private key as go-jose marshals a JSONWebKey (its member order: kty, crv, x, y, n, e, d, p, q, dp, dq, qi). */
function goJoseJwk(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const order = ['kty', 'crv', 'x', 'y', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
  const out: Record<string, string> = {};
  for (const k of order) if (typeof jwk[k] === 'string') out[k] = jwk[k];
  return JSON.stringify(out);
}

/** The `exp` claim of a compact JWS, read without verifying, worded as go-jose fails. */
function expiry(token: string): number {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('go-jose/go-jose: compact JWS format must have three parts');
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
  if (typeof claims.exp !== 'number') throw new Error('no expiry claim');
  return claims.exp;
}

/** spire.api.types.WITSVID as proto-loader presents it (generated). */
type WitSvid = WITSVID__Output;

/**
 * The SVID as Go's encoding/json writes the generated struct: proto field names, empty fields
 * left out, int64 as numbers.
 */
function svidJson(svid: WitSvid): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (svid.token) out.token = svid.token;
  if (svid.id) {
    const id: Record<string, string> = {};
    if (svid.id.trust_domain) id.trust_domain = svid.id.trust_domain;
    if (svid.id.path) id.path = svid.id.path;
    out.id = id;
  }
  if (Number(svid.expires_at)) out.expires_at = Number(svid.expires_at);
  if (Number(svid.issued_at)) out.issued_at = Number(svid.issued_at);
  if (svid.hint) out.hint = svid.hint;
  return out;
}

/**
 * `spire-server wit mint`: a WIT-SVID for any SPIFFE ID, for a workload key made here. Offered
 * only when SPIRE_SERVER_FFLAGS names `wit-svid`, as upstream; a server without WIT-SVID support
 * (this one, or SPIRE without the flag) answers Unimplemented, which the command reports.
 */
export const witMintCommand = apiCommand({
  name: 'wit mint',
  synopsis: 'Mints a WIT-SVID',
  flags: [
    { name: 'spiffeID', kind: 'string', usage: 'SPIFFE ID of the WIT-SVID', default: '' },
    { name: 'keyType', kind: 'string', usage: 'Key type of the WIT-SVID', default: 'ec-p256' },
    { name: 'signingAlgorithm', kind: 'string', usage: 'Signing algorithm for the workload signing key', default: 'ES256' },
    { name: 'ttl', kind: 'duration', usage: 'TTL of the WIT-SVID', default: '0s' },
    { name: 'write', kind: 'string', usage: 'Directory to write output to instead of stdout', default: '' },
  ],
  output: true,
  async run(ctx) {
    const ttlMs = durationFlag('ttl', ctx.str('ttl'));
    if (ctx.str('spiffeID') === '') throw new Error('spiffeID must be specified');
    const id = SpiffeId.parse(ctx.str('spiffeID'));
    const ttl = ttlSeconds(ttlMs);
    const alg = ctx.str('signingAlgorithm');
    const type = keyTypeFor(ctx.str('keyType'), alg);
    const { privateKey, publicKey } =
      type.kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: type.curve }) : generateKeyPairSync('rsa', { modulusLength: type.bits });
    let res: MintWITSVIDResponse__Output;
    try {
      res = await ctx.client.call<MintWITSVIDResponse__Output>('svid', 'MintWITSVID', {
        id: { trust_domain: id.trustDomain.name, path: id.path },
        public_key: publicKey.export({ type: 'spki', format: 'der' }),
        signing_algorithm: alg,
        ttl,
      });
    } catch (err) {
      throw new Error(`unable to mint SVID: ${(err as Error).message}`);
    }
    const svid = res.svid;
    if (!svid || svid.token === '') throw new Error('server response missing token');
    try {
      const eol = expiry(svid.token);
      if (eol * 1000 - Date.now() < ttlMs) ctx.err(`WIT-SVID lifetime was capped shorter than specified ttl; expires ${goQuote(rfc3339(eol))}\n`);
    } catch (err) {
      ctx.err(`Unable to determine WIT-SVID lifetime: ${(err as Error).message}\n`);
    }
    const jwk = goJoseJwk(privateKey);
    const dir = ctx.str('write');
    if (dir === '') {
      if (ctx.json) return ctx.out(goJson({ private_key: jwk, svid: svidJson(svid) }));
      return ctx.out(`${svid.token}\n${jwk}\n`);
    }
    const files: Array<[string, string, string, string]> = [
      ['token', svid.token, 'unable to write token', 'WIT-SVID written to'],
      ['key', jwk, 'unable to write key', 'Private key written to'],
    ];
    for (const [name, text, problem, done] of files) {
      const shown = join(dir, name);
      const target = resolve(ctx.io.cwd, shown);
      try {
        await writeFile(target, text, { mode: 0o600 });
        await chmod(target, 0o600);
      } catch (err) {
        throw new Error(`${problem}: open ${shown}: ${osErrorText(err)}`);
      }
      ctx.out(`${done} ${shown}\n`);
    }
  },
});
