import { readFile } from 'node:fs/promises';
import type { BatchSetFederatedBundleResponse__Output } from '../../../proto/gen/api/spire/api/server/bundle/v1/BatchSetFederatedBundleResponse.js';
import { resolve } from 'node:path';
import { apiCommand, osErrorText } from '../../api-command.js';
import { federatedBundleFromText, validateBundleFormat } from '../../../api/convert/spiffe-bundle.js';

/** `spire-server bundle set`: creates or replaces a federated bundle from -path (or stdin). */
export const bundleSetCommand = apiCommand({
  name: 'bundle set',
  synopsis: 'Creates or updates federated bundle data',
  flags: [
    { name: 'id', kind: 'string', usage: 'SPIFFE ID of the trust domain', default: '' },
    { name: 'path', kind: 'string', usage: 'Path to the bundle data', default: '' },
    { name: 'format', kind: 'string', usage: 'The format of the bundle data. Either "pem" or "spiffe".', default: 'pem' },
  ],
  output: true,
  async run(ctx) {
    const id = ctx.str('id');
    if (id === '') throw new Error('id flag is required');
    const format = validateBundleFormat(ctx.str('format'));
    let data: Buffer;
    const path = ctx.str('path');
    try {
      if (path === '') {
        const chunks: Buffer[] = [];
        for await (const c of ctx.io.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
        data = Buffer.concat(chunks);
      } else {
        data = await readFile(resolve(ctx.io.cwd, path));
      }
    } catch (err) {
      throw new Error(`unable to load bundle data: open ${path}: ${osErrorText(err)}`);
    }
    const bundle = federatedBundleFromText(id, format, data.toString('utf8'));
    let res: BatchSetFederatedBundleResponse__Output;
    try {
      res = await ctx.client.call<BatchSetFederatedBundleResponse__Output>('bundle', 'BatchSetFederatedBundle', { bundle: [bundle] });
    } catch (err) {
      throw new Error(`failed to set federated bundle: ${(err as Error).message}`);
    }
    if (ctx.json) return ctx.printJson({ type: 'spire.api.server.bundle.v1.BatchSetFederatedBundleResponse', msg: res });
    const r = res.results[0]!;
    if (r.status!.code !== 0) throw new Error(`failed to set federated bundle: ${r.status!.message}`);
    ctx.out('bundle set.\n');
  },
});
