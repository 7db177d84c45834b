import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { msiPayload } from '@spire-ts/emulator-azure';
import { SUBSCRIPTION, TENANT, agentStore, makeAttestor, noChallenge, payloadFor, seedVm, startAzure, type AzureTestEnv } from './emulator.test-support.js';

describe('azure_msi: attacks and refusals', () => {
  let env: AzureTestEnv;
  before(async () => {
    env = await startAzure();
  });
  after(async () => env.close());

  const o = (principalId: string) => ({ tenantId: TENANT, principalId });
  const armCalls = () => env.az.requests.filter((r) => r.route.startsWith('arm.')).length;

  it('refuses an unsigned token (alg none) before any ARM call', async () => {
    const a = await makeAttestor();
    const before = armCalls();
    await rejectsWith(
      a.attest(msiPayload(env.az.entra.msi.forgeNone(o(seedVm(env)))), noChallenge),
      Code.INVALID_ARGUMENT,
      'unable to parse token: unexpected signature algorithm "none"; expected [RS256 RS384 RS512 ES256 ES384 ES512 PS256 PS384 PS512]',
    );
    assert.equal(armCalls(), before);
  });

  it('refuses an HS256 token (algorithm confusion)', async () => {
    const a = await makeAttestor();
    await rejectsWith(a.attest(msiPayload(await env.az.entra.msi.forgeHs256(o(seedVm(env)))), noChallenge), Code.INVALID_ARGUMENT, /^unable to parse token: unexpected signature algorithm "HS256"/);
  });

  it('refuses a token signed by a key Microsoft did not publish', async () => {
    const a = await makeAttestor();
    await rejectsWith(a.attest(await payloadFor(env, seedVm(env), { kid: 'unpublished' }), noChallenge), Code.INVALID_ARGUMENT, 'key id "unpublished" not found');
  });

  it('refuses a token without kid', async () => {
    const a = await makeAttestor();
    await rejectsWith(a.attest(await payloadFor(env, seedVm(env), { omitKid: true }), noChallenge), Code.INVALID_ARGUMENT, 'token missing key id');
  });

  it('refuses a token whose signature does not match its claims', async () => {
    const a = await makeAttestor();
    const good = await env.az.entra.msi.mint(o(seedVm(env)));
    const [h, , s] = good.split('.');
    const claims = Buffer.from(JSON.stringify({ tid: TENANT, sub: 'someone-else' })).toString('base64url');
    await rejectsWith(a.attest(msiPayload(`${h}.${claims}.${s}`), noChallenge), Code.INVALID_ARGUMENT, 'unable to verify token: signature verification failed');
  });

  it('refuses a token for another audience', async () => {
    const a = await makeAttestor();
    await rejectsWith(
      a.attest(await payloadFor(env, seedVm(env), { audience: 'https://vault.azure.net' }), noChallenge),
      Code.INTERNAL,
      'unable to validate token claims: validation failed, invalid audience claim (aud)',
    );
  });

  it('refuses a token expired more than 5 minutes ago', async () => {
    const a = await makeAttestor();
    const issuedAt = new Date(Date.now() - 2 * 3600_000);
    await rejectsWith(
      a.attest(await payloadFor(env, seedVm(env), { issuedAt, lifetimeS: 3600 }), noChallenge),
      Code.INTERNAL,
      'unable to validate token claims: validation failed, token is expired (exp)',
    );
  });

  it('refuses a token whose issuer is not the tenant’s ([harden] iss)', async () => {
    const a = await makeAttestor();
    await rejectsWith(
      a.attest(await payloadFor(env, seedVm(env), { issuer: 'https://sts.windows.net/99999999-0000-0000-0000-000000000000/' }), noChallenge),
      Code.INTERNAL,
      'unable to validate token claims: validation failed, invalid issuer claim (iss)',
    );
  });

  it('refuses a tenant that is not configured', async () => {
    const a = await makeAttestor();
    const other = '22222222-0000-0000-0000-000000000000';
    await rejectsWith(a.attest(await payloadFor(env, seedVm(env), { tenantId: other }), noChallenge), Code.PERMISSION_DENIED, `tenant "${other}" is not authorized`);
  });

  it('refuses tokens without tid or sub', async () => {
    const a = await makeAttestor();
    await rejectsWith(a.attest(await payloadFor(env, seedVm(env), { claims: { tid: undefined } }), noChallenge), Code.INTERNAL, 'token missing tenant ID claim');
    await rejectsWith(a.attest(await payloadFor(env, seedVm(env), { claims: { sub: undefined } }), noChallenge), Code.INTERNAL, 'token missing subject claim');
  });

  it('refuses a replayed token (TOFU) until the agent is evicted; TOFU precedes the tenant check', async () => {
    const host = agentStore();
    const a = await makeAttestor(undefined, { host });
    const payload = await payloadFor(env, seedVm(env));
    const first = await a.attest(payload, noChallenge);
    host.ids.add(first.spiffeId);
    await rejectsWith(a.attest(payload, noChallenge), Code.PERMISSION_DENIED, 'attestation data has already been used to attest an agent');
    host.ids.delete(first.spiffeId);
    await a.attest(payload, noChallenge);
  });

  it('refuses a principal that no VM carries, or that two VMs carry', async () => {
    const a = await makeAttestor();
    await rejectsWith(
      a.attest(await payloadFor(env, 'nobody'), noChallenge),
      Code.INTERNAL,
      'unable to get resource for principal "nobody": principal "nobody" not found',
    );
    env.az.arm.addVm({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg', name: 'twin-a', principalId: 'twin' });
    env.az.arm.addVm({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg', name: 'twin-b', principalId: 'twin' });
    await rejectsWith(
      a.attest(await payloadFor(env, 'twin'), noChallenge),
      Code.INTERNAL,
      'unable to get resource for principal "twin": expected one result for principal "twin" at most',
    );
  });

  it('refuses malformed payloads', async () => {
    const a = await makeAttestor();
    await rejectsWith(a.attest(new Uint8Array(), noChallenge), Code.INVALID_ARGUMENT, 'missing attestation payload');
    await rejectsWith(a.attest(new TextEncoder().encode('{'), noChallenge), Code.INVALID_ARGUMENT, /^failed to unmarshal data payload: /);
    await rejectsWith(a.attest(new TextEncoder().encode('{}'), noChallenge), Code.INVALID_ARGUMENT, 'missing token from attestation data');
    await rejectsWith(a.attest(msiPayload('not-a-jwt'), noChallenge), Code.INVALID_ARGUMENT, /^unable to parse token: /);
  });
});
