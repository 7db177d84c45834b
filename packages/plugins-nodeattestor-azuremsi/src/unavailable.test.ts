import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { makeAttestor, noChallenge, payloadFor, seedVm, startAzure, type AzureTestEnv } from './emulator.test-support.js';

describe('azure_msi: Azure down or slow', () => {
  let env: AzureTestEnv;
  before(async () => {
    env = await startAzure();
  });
  after(async () => env.close());

  it('says UNAVAILABLE when the OIDC issuer answers 503 and no keys are cached', async () => {
    const a = await makeAttestor();
    const payload = await payloadFor(env, seedVm(env));
    env.az.setUnavailable(true);
    try {
      await rejectsWith(a.attest(payload, noChallenge), Code.UNAVAILABLE, /^unable to obtain JWKS: unexpected status code 503 from /);
    } finally {
      env.az.setUnavailable(false);
    }
  });

  it('says UNAVAILABLE when ARM answers 503', async () => {
    const a = await makeAttestor();
    const payload = await payloadFor(env, seedVm(env));
    env.az.fail('arm.resources.list', 503, { error: { code: 'ServiceUnavailable', message: 'try later' } });
    await rejectsWith(a.attest(payload, noChallenge), Code.UNAVAILABLE, /^unable to get resource for principal "[^"]+": unable to list virtual machine by principal: /);
  });

  it('says UNAVAILABLE at the timeout when Azure is slow', async () => {
    const a = await makeAttestor(undefined, { opts: { timeoutMs: 200 } });
    const payload = await payloadFor(env, seedVm(env));
    env.az.setLatencyMs(2000);
    try {
      const started = Date.now();
      await rejectsWith(a.attest(payload, noChallenge), Code.UNAVAILABLE, 'unable to obtain JWKS: Azure did not answer within 200 ms');
      assert.ok(Date.now() - started < 1500, 'gave up at the timeout');
    } finally {
      env.az.setLatencyMs(0);
    }
  });

  it('says UNAVAILABLE when nothing listens at the endpoint', async () => {
    const saved = process.env.SPIRE_TEST_AZURE_ENDPOINT;
    process.env.SPIRE_TEST_AZURE_ENDPOINT = 'https://127.0.0.1:9';
    try {
      const a = await makeAttestor();
      await rejectsWith(a.attest(await payloadFor(env, seedVm(env)), noChallenge), Code.UNAVAILABLE, /^unable to obtain JWKS: /);
    } finally {
      process.env.SPIRE_TEST_AZURE_ENDPOINT = saved;
    }
  });
});
