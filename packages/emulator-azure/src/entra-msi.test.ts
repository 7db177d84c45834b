import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { AzureEmulator } from './emulator.js';

const TENANT = '11111111-2222-3333-4444-555555555555';

describe('AzureEmulator: managed-identity tokens, common OIDC discovery and JWKS', () => {
  let az: AzureEmulator;
  before(async () => {
    az = await AzureEmulator.start();
  });
  after(async () => az.close());

  async function keySet() {
    const doc = (await (await fetch(`${az.url}/common/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
    assert.equal(doc.jwks_uri, `${az.url}/common/discovery/keys`);
    return createLocalJWKSet((await (await fetch(doc.jwks_uri)).json()) as { keys: [] });
  }

  it('mints v1 and v2 tokens that verify under the published keys', async () => {
    const jwks = await keySet();
    for (const [version, alg, iss] of [
      [1, 'RS256', `https://sts.windows.net/${TENANT}/`],
      [2, 'ES256', `https://login.microsoftonline.com/${TENANT}/v2.0`],
      [1, 'PS256', `https://sts.windows.net/${TENANT}/`],
    ] as const) {
      const token = await az.entra.msi.mint({ tenantId: TENANT, principalId: 'p-1', version, alg });
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: iss, audience: 'https://management.azure.com/' });
      assert.equal(protectedHeader.alg, alg);
      assert.equal(payload.tid, TENANT);
      assert.equal(payload.sub, 'p-1');
      assert.equal(payload.oid, 'p-1');
    }
  });

  it('signs with an unpublished key on request, and forges HS256 and none tokens', async () => {
    const jwks = await keySet();
    const o = { tenantId: TENANT, principalId: 'p-1' };
    await assert.rejects(jwtVerify(await az.entra.msi.mint({ ...o, kid: 'unpublished' }), jwks), /no applicable key/i);
    assert.equal(decodeProtectedHeader(await az.entra.msi.forgeHs256(o)).alg, 'HS256');
    assert.equal(decodeProtectedHeader(az.entra.msi.forgeNone(o)).alg, 'none');
    assert.equal(decodeProtectedHeader(await az.entra.msi.mint({ ...o, omitKid: true })).kid, undefined);
  });
});
