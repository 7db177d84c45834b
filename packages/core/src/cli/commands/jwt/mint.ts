import { chmod, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SpiffeId } from '../../../spiffeid/index.js';
import { apiCommand } from '../../api-command.js';
import { durationFlag, rfc3339, ttlSeconds } from '../../duration-flag.js';
import { goQuote } from '../../go-format.js';

/** The `exp` claim of a compact JWS, read without verifying (the server just signed it). */
function expiry(token: string): number {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('go-jose/go-jose: compact JWS format must have three parts');
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
  if (typeof claims.exp !== 'number') throw new Error('no expiry claim');
  return claims.exp;
}

/** `spire-server jwt mint`: a JWT-SVID for any SPIFFE ID and audience. */
export const jwtMintCommand = apiCommand({
  name: 'jwt mint',
  synopsis: 'Mints a JWT-SVID',
  flags: [
    { name: 'spiffeID', kind: 'string', usage: 'SPIFFE ID of the JWT-SVID', default: '' },
    { name: 'ttl', kind: 'duration', usage: 'TTL of the JWT-SVID', default: '0s' },
    { name: 'audience', kind: 'list', usage: 'Audience claim that will be included in the SVID. Can be used more than once.' },
    { name: 'write', kind: 'string', usage: 'File to write token to instead of stdout', default: '' },
  ],
  output: true,
  async run(ctx) {
    const ttlMs = durationFlag('ttl', ctx.str('ttl'));
    if (ctx.str('spiffeID') === '') throw new Error('spiffeID must be specified');
    if (ctx.list('audience').length === 0) throw new Error('at least one audience must be specified');
    const id = SpiffeId.parse(ctx.str('spiffeID'));
    const ttl = ttlSeconds(ttlMs);
    let res: { svid: { token: string; id: unknown; expires_at: number; issued_at: number; hint: string } | null };
    try {
      res = await ctx.client.call('svid', 'MintJWTSVID', { id: { trust_domain: id.trustDomain.name, path: id.path }, ttl, audience: ctx.list('audience') });
    } catch (err) {
      throw new Error(`unable to mint SVID: ${(err as Error).message}`);
    }
    const token = res.svid?.token ?? '';
    if (token === '') throw new Error('server response missing token');
    try {
      const eol = expiry(token);
      if (eol * 1000 - Date.now() < ttlMs) ctx.err(`JWT-SVID lifetime was capped shorter than specified ttl; expires ${goQuote(rfc3339(eol))}\n`);
    } catch (err) {
      ctx.err(`Unable to determine JWT-SVID lifetime: ${(err as Error).message}\n`);
    }
    const path = ctx.str('write');
    if (path === '') {
      if (ctx.json) return ctx.printJson({ type: 'spire.api.server.svid.v1.MintJWTSVIDResponse', msg: res });
      return ctx.out(`${token}\n`);
    }
    const target = resolve(ctx.io.cwd, path);
    try {
      await writeFile(target, token, { mode: 0o600 });
      await chmod(target, 0o600);
    } catch (err) {
      throw new Error(`unable to write token: ${(err as Error).message}`);
    }
    ctx.out(`JWT-SVID written to ${path}\n`);
  },
});
