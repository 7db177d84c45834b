import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { newIitSigner } from '@spire-ts/emulator-gcp';
import { agentStore, makeAttestor, PROJECT, startGcp, tokenFor, type GcpTestEnv } from './emulator.test-support.js';

const none = async () => new Uint8Array();
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const enc = (s: string) => new TextEncoder().encode(s);

describe('gcp_iit: refusals', () => {
  let env: GcpTestEnv;
  before(async () => (env = await startGcp()));
  after(async () => env.close());

  /** The claims of a valid token, re-encoded under another header. */
  async function forged(header: Record<string, unknown>, sign: (input: string) => string): Promise<Uint8Array> {
    const [, body] = new TextDecoder().decode(await tokenFor(env)).split('.');
    const input = `${b64(header)}.${body}`;
    return enc(`${input}.${sign(input)}`);
  }

  it('refuses an empty payload', async () => {
    await rejectsWith((await makeAttestor()).attest(new Uint8Array(), none), Code.INVALID_ARGUMENT, 'missing attestation payload');
  });

  it('refuses alg none', async () => {
    const p = await forged({ alg: 'none', kid: (await env.gcp.iit.signer()).kid }, () => '');
    await rejectsWith((await makeAttestor()).attest(p, none), Code.INVALID_ARGUMENT, 'unable to parse the identity token: unexpected signature algorithm "none"; expected ["RS256"]');
  });

  it('refuses HS256 (keyed with the public certificate)', async () => {
    const s = await env.gcp.iit.signer();
    const p = await forged({ alg: 'HS256', kid: s.kid }, (input) => createHmac('sha256', s.certPem).update(input).digest('base64url'));
    await rejectsWith((await makeAttestor()).attest(p, none), Code.INVALID_ARGUMENT, 'unable to parse the identity token: unexpected signature algorithm "HS256"; expected ["RS256"]');
  });

  it('refuses RS256 by a key Google does not publish', async () => {
    const rogue = await newIitSigner('rogue');
    await rejectsWith(
      (await makeAttestor()).attest(await tokenFor(env, { signer: rogue }), none),
      Code.INVALID_ARGUMENT,
      'failed to validate the identity token signature: no Google key with key ID "rogue"',
    );
  });

  it("refuses RS256 by an unknown key under a published key's kid", async () => {
    const rogue = await newIitSigner((await env.gcp.iit.signer()).kid);
    await rejectsWith((await makeAttestor()).attest(await tokenFor(env, { signer: rogue }), none), Code.INVALID_ARGUMENT, 'failed to validate the identity token signature: signature verification failed');
  });

  it('refuses a token for another audience', async () => {
    await rejectsWith(
      (await makeAttestor()).attest(await tokenFor(env, { audience: 'https://example.com' }), none),
      Code.PERMISSION_DENIED,
      'failed to validate the identity token claims: invalid audience claim (aud)',
    );
  });

  it('refuses an expired token (beyond the minute of leeway)', async () => {
    const iat = Math.floor(Date.now() / 1000) - 3600 - 61;
    await rejectsWith((await makeAttestor()).attest(await tokenFor(env, { iat }), none), Code.PERMISSION_DENIED, 'failed to validate the identity token claims: token is expired (exp)');
  });

  it('[harden] refuses a token without exp', async () => {
    await rejectsWith(
      (await makeAttestor()).attest(await tokenFor(env, { ttlSeconds: null }), none),
      Code.PERMISSION_DENIED,
      'failed to validate the identity token claims: token has no expiration time (exp)',
    );
  });

  it("[harden] refuses an issuer other than Google's, and accepts both of Google's spellings", async () => {
    await rejectsWith(
      (await makeAttestor()).attest(await tokenFor(env, { issuer: 'https://evil.example' }), none),
      Code.PERMISSION_DENIED,
      'failed to validate the identity token claims: invalid issuer claim (iss)',
    );
    await (await makeAttestor()).attest(await tokenFor(env, { issuer: 'accounts.google.com' }), none);
  });

  it('refuses a project outside the allow list', async () => {
    await rejectsWith(
      (await makeAttestor()).attest(await tokenFor(env, { instance: { projectId: 'other-project' } }), none),
      Code.PERMISSION_DENIED,
      'identity token project ID "other-project" is not in the allow list',
    );
  });

  it('refuses a replayed token (trust on first use)', async () => {
    const host = agentStore();
    const a = await makeAttestor({}, { host });
    const token = await tokenFor(env);
    const { spiffeId } = await a.attest(token, none);
    host.ids.add(spiffeId);
    await rejectsWith(a.attest(token, none), Code.PERMISSION_DENIED, 'attestation data has already been used to attest an agent');
  });

  it('refuses an allowed metadata value over max_metadata_value_size', async () => {
    env.gcp.compute.seed({ project: PROJECT, zone: 'us-central1-a', name: 'vm-big', metadata: [{ key: 'role', value: 'x'.repeat(17) }] });
    const a = await makeAttestor({ use_instance_metadata: true, allowed_metadata_keys: ['role'], max_metadata_value_size: 16 });
    await rejectsWith(a.attest(await tokenFor(env, { instance: { instanceName: 'vm-big' } }), none), Code.INTERNAL, 'metadata "role" exceeded value limit (17 > 16)');
  });

  it('fails with INTERNAL when Compute does not know the instance', async () => {
    const a = await makeAttestor({ use_instance_metadata: true });
    await rejectsWith(
      a.attest(await tokenFor(env, { instance: { instanceName: 'ghost' } }), none),
      Code.INTERNAL,
      /^failed to fetch instance metadata: failed to fetch instance metadata: .*was not found/,
    );
  });

  it("gives UNAVAILABLE when Google's certificate endpoint is down", async () => {
    const token = await tokenFor(env);
    env.gcp.setUnavailable(true);
    try {
      await rejectsWith((await makeAttestor()).attest(token, none), Code.UNAVAILABLE, 'failed to retrieve the Google public keys: unexpected status code: 503');
    } finally {
      env.gcp.setUnavailable(false);
    }
  });

  it("fails with INTERNAL when Google's certificate answer is not a map of certificates", async () => {
    const token = await tokenFor(env);
    env.gcp.fail('iit.certs', 200, ['not', 'a map']);
    await rejectsWith((await makeAttestor()).attest(token, none), Code.INTERNAL, 'failed to retrieve the Google public keys: unable to unmarshal certificate response: not a JSON object');
    env.gcp.fail('iit.certs', 200, { k: 'garbage' });
    await rejectsWith((await makeAttestor()).attest(token, none), Code.INTERNAL, 'failed to retrieve the Google public keys: unable to unmarshal certificate response: malformed PEM block');
  });

  it('gives UNAVAILABLE, not a hang, when the certificate endpoint is slow', async () => {
    const token = await tokenFor(env);
    env.gcp.setLatencyMs(1000);
    try {
      const started = Date.now();
      await rejectsWith(
        (await makeAttestor({}, { opts: { timeoutMs: 100 } })).attest(token, none),
        Code.UNAVAILABLE,
        "failed to retrieve the Google public keys: Google's certificate endpoint did not answer within 100 ms",
      );
      assert.ok(Date.now() - started < 900);
    } finally {
      env.gcp.setLatencyMs(0);
    }
  });

  it('gives UNAVAILABLE when Compute is down, and writes nothing', async () => {
    env.gcp.compute.seed({ project: PROJECT, zone: 'us-central1-a', name: 'vm-down' });
    const host = agentStore();
    const a = await makeAttestor({ use_instance_metadata: true }, { host });
    await a.attest(await tokenFor(env, { instance: { instanceName: 'vm-down' } }), none); // certificates cached (an hour)
    host.ids.clear();
    env.gcp.fail('compute.instances.get', 503, { error: { code: 503, message: 'backend down', status: 'UNAVAILABLE' } }, 10);
    await rejectsWith(a.attest(await tokenFor(env, { instance: { instanceName: 'vm-down' } }), none), Code.UNAVAILABLE, /^failed to fetch instance metadata: failed to fetch instance metadata: /);
    assert.equal(host.ids.size, 0);
  });
});
