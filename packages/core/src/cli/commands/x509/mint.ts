import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SpiffeId } from '../../../spiffeid/index.js';
import { apiCommand } from '../../api-command.js';
import { durationFlag, rfc3339, ttlSeconds } from '../../duration-flag.js';
import { goJson, goQuote } from '../../go-format.js';
import { pemCertificates } from '../../../api/convert/spiffe-bundle.js';
import type { ProtoBundle } from '../../../api/convert/bundle.js';

function pemKey(pkcs8: Uint8Array): string {
  const b64 = Buffer.from(pkcs8).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

/** A PKCS#10 request for `id` (URI SAN) and DNS names, signed by a fresh P-256 key. */
async function makeCsr(id: string, dns: string[]): Promise<{ csr: Uint8Array; pkcs8: Uint8Array }> {
  // @peculiar/x509 resolves its services through tsyringe, which needs the reflect polyfill first.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), alg, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), alg, true, ['verify']),
  };
  const req = await x509.Pkcs10CertificateRequestGenerator.create({
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([...dns.map((d) => ({ type: 'dns' as const, value: d })), { type: 'url' as const, value: id }])],
  });
  return { csr: new Uint8Array(req.rawData), pkcs8: new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })) };
}

/** `spire-server x509 mint`: an X509-SVID for any SPIFFE ID, with its key and the root CAs. */
export const x509MintCommand = apiCommand({
  name: 'x509 mint',
  synopsis: 'Mints an X509-SVID',
  flags: [
    { name: 'spiffeID', kind: 'string', usage: 'SPIFFE ID of the X509-SVID', default: '' },
    { name: 'ttl', kind: 'duration', usage: 'TTL of the X509-SVID', default: '0s' },
    { name: 'dns', kind: 'list', usage: 'DNS name that will be included in SVID. Can be used more than once.' },
    { name: 'write', kind: 'string', usage: 'Directory to write output to instead of stdout', default: '' },
  ],
  output: true,
  async run(ctx) {
    const ttlMs = durationFlag('ttl', ctx.str('ttl'));
    if (ctx.str('spiffeID') === '') throw new Error('spiffeID must be specified');
    const id = SpiffeId.parse(ctx.str('spiffeID'));
    const ttl = ttlSeconds(ttlMs);
    let csr: { csr: Uint8Array; pkcs8: Uint8Array };
    try {
      csr = await makeCsr(id.toString(), ctx.list('dns'));
    } catch (err) {
      throw new Error(`unable to generate CSR: ${(err as Error).message}`);
    }
    let res: { svid: { cert_chain: Uint8Array[]; expires_at: number } | null };
    try {
      res = await ctx.client.call('svid', 'MintX509SVID', { csr: Buffer.from(csr.csr), ttl });
    } catch (err) {
      throw new Error(`unable to mint SVID: ${(err as Error).message}`);
    }
    if (!res.svid || res.svid.cert_chain.length === 0) throw new Error('server response missing SVID chain');
    let bundle: ProtoBundle;
    try {
      bundle = await ctx.client.call<ProtoBundle>('bundle', 'GetBundle', {});
    } catch (err) {
      throw new Error(`unable to get bundle: ${(err as Error).message}`);
    }
    if (bundle.x509_authorities.length === 0) throw new Error('server response missing X509 Authorities');
    const eol = Number(res.svid.expires_at);
    if (eol * 1000 - Date.now() < ttlMs) ctx.err(`X509-SVID lifetime was capped shorter than specified ttl; expires ${goQuote(rfc3339(eol))}\n`);
    const roots = bundle.x509_authorities.map((a) => a.asn1);
    const svidPem = pemCertificates(res.svid.cert_chain);
    const keyPem = pemKey(csr.pkcs8);
    const bundlePem = pemCertificates(roots);
    const dir = ctx.str('write');
    if (dir === '') {
      if (ctx.json) {
        const b64 = (d: Uint8Array) => Buffer.from(d).toString('base64');
        return ctx.out(goJson({ x509_svid: res.svid.cert_chain.map(b64), private_key: b64(csr.pkcs8), root_cas: roots.map(b64) }));
      }
      return ctx.out(`X509-SVID:\n${svidPem}\nPrivate key:\n${keyPem}\nRoot CAs:\n${bundlePem}\n`);
    }
    const files: Array<[string, string, number, string, string]> = [
      ['svid.pem', svidPem, 0o644, 'unable to write SVID', 'X509-SVID written to'],
      ['key.pem', keyPem, 0o600, 'unable to write key', 'Private key written to'],
      ['bundle.pem', bundlePem, 0o644, 'unable to write bundle', 'Root CAs written to'],
    ];
    for (const [name, text, mode, problem, done] of files) {
      const shown = join(dir, name);
      const target = resolve(ctx.io.cwd, shown);
      try {
        await writeFile(target, text, { mode });
        await chmod(target, mode);
      } catch (err) {
        throw new Error(`${problem}: ${(err as Error).message}`);
      }
      ctx.out(`${done} ${shown}\n`);
    }
  },
});
