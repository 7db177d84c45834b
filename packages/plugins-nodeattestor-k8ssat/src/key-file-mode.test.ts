import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code } from '@spire-ts/core/plugin';
import { isSpireError } from '@spire-ts/core/plugin/testing';
import { DEPRECATION_WARNING, PROJECTED_TOKEN_WARNING } from './sat-attestor.js';
import { agentStoreHost, legacyClaims, makeAttestor, payloadOf, recordingLogger, saKey, signToken, tempFile } from './test-support.js';

describe('k8s_sat with service_account_key_file', () => {
  const rsa = saKey('rsa');
  const ec = saKey('ec');
  const keyFile = tempFile('sa.pub', rsa.pem + ec.pem);
  const data = { clusters: { c1: { service_account_allow_list: ['spire:spire-agent'], service_account_key_file: keyFile } } };
  const uuid = '3f1a7d2e-8b4c-4e6f-9a0b-1c2d3e4f5a6b';

  it('attests a legacy token signed by any configured key: UUID agent ID, SPIRE selectors, no re-attestation', async () => {
    const a = makeAttestor(data, { newUuid: () => uuid });
    for (const key of [rsa, ec]) {
      const attrs = await a.attest(payloadOf('c1', signToken(legacyClaims('spire', 'spire-agent'), key.privateKey)));
      assert.deepEqual(attrs, {
        spiffeId: `spiffe://example.org/spire/agent/k8s_sat/c1/${uuid}`,
        selectorValues: ['cluster:c1', 'agent_ns:spire', 'agent_sa:spire-agent'],
        canReattest: false,
      });
    }
  });

  it('makes a new random agent ID on every attestation', async () => {
    const a = makeAttestor(data);
    const token = signToken(legacyClaims('spire', 'spire-agent'), rsa.privateKey);
    const [x, y] = [await a.attest(payloadOf('c1', token)), await a.attest(payloadOf('c1', token))];
    assert.match(x.spiffeId, /^spiffe:\/\/example\.org\/spire\/agent\/k8s_sat\/c1\/[0-9a-f-]{36}$/);
    assert.notEqual(x.spiffeId, y.spiffeId);
  });

  it('reads the namespace and account of a projected token read as a legacy one, and warns about its expiry', async () => {
    const rec = recordingLogger();
    const a = makeAttestor(data, { log: rec.log });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'api', exp: now + 600, iat: now, nbf: now, 'kubernetes.io': { namespace: 'spire', serviceaccount: { name: 'spire-agent', uid: 'u' } } };
    const attrs = await a.attest(payloadOf('c1', signToken(claims, ec.privateKey)));
    assert.deepEqual(attrs.selectorValues, ['cluster:c1', 'agent_ns:spire', 'agent_sa:spire-agent']);
    assert.deepEqual(rec.warnings, [DEPRECATION_WARNING, PROJECTED_TOKEN_WARNING]);
  });

  it('logs SPIRE\'s deprecation warning when configured', () => {
    const rec = recordingLogger();
    makeAttestor(data, { log: rec.log });
    assert.deepEqual(rec.warnings, ['The "k8s_sat" node attestor plugin has been deprecated in favor of the "k8s_psat" plugin and will be removed in a future release']);
  });

  it('refuses a token signed by another key', async () => {
    const a = makeAttestor(data);
    const token = signToken(legacyClaims('spire', 'spire-agent'), saKey('rsa').privateKey);
    await assert.rejects(a.attest(payloadOf('c1', token)), isSpireError(Code.INVALID_ARGUMENT, 'unable to verify token: go-jose/go-jose: error in cryptographic primitive'));
  });

  it('refuses an algorithm SPIRE does not allow', async () => {
    const a = makeAttestor(data);
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${enc({ alg: 'HS256' })}.${enc(legacyClaims('spire', 'spire-agent'))}.c2ln`;
    await assert.rejects(
      a.attest(payloadOf('c1', token)),
      isSpireError(Code.INVALID_ARGUMENT, 'unable to parse token: go-jose/go-jose: unexpected signature algorithm "HS256"; expected ["RS256" "RS384" "RS512" "ES256" "ES384" "ES512" "PS256" "PS384" "PS512"]'),
    );
  });

  it('refuses a token that is not a compact JWS', async () => {
    await assert.rejects(makeAttestor(data).attest(payloadOf('c1', 'not-a-jwt')), isSpireError(Code.INVALID_ARGUMENT, 'unable to parse token: go-jose/go-jose: compact JWS format must have three parts'));
  });

  it('refuses an expired token past the 5 minute leeway, and accepts it within', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...legacyClaims('spire', 'spire-agent'), exp: now - 301 };
    await assert.rejects(
      makeAttestor(data).attest(payloadOf('c1', signToken(claims, rsa.privateKey))),
      isSpireError(Code.INVALID_ARGUMENT, 'unable to validate token claims: go-jose/go-jose/jwt: validation failed, token is expired (exp)'),
    );
    const within = { ...claims, exp: now - 200 };
    assert.ok(await makeAttestor(data).attest(payloadOf('c1', signToken(within, rsa.privateKey))));
  });

  it('refuses a service account outside the allow list', async () => {
    const token = signToken(legacyClaims('default', 'web'), rsa.privateKey);
    await assert.rejects(makeAttestor(data).attest(payloadOf('c1', token)), isSpireError(Code.PERMISSION_DENIED, '"default:web" is not an allowed service account'));
  });

  it('refuses a token that names its namespace in both claim forms', async () => {
    const claims = { ...legacyClaims('spire', 'spire-agent'), 'kubernetes.io': { namespace: 'other' } };
    await assert.rejects(
      makeAttestor(data).attest(payloadOf('c1', signToken(claims, rsa.privateKey))),
      isSpireError(Code.INVALID_ARGUMENT, 'error parsing token claims: malformed token: namespace found in two claims'),
    );
  });

  it('refuses a token without a namespace claim', async () => {
    const claims = { sub: 'system:serviceaccount:spire:spire-agent' };
    await assert.rejects(
      makeAttestor(data).attest(payloadOf('c1', signToken(claims, rsa.privateKey))),
      isSpireError(Code.INVALID_ARGUMENT, 'error parsing token claims: token missing namespace claim'),
    );
  });

  it('refuses bad payloads and unknown clusters as SPIRE did', async () => {
    const a = makeAttestor(data);
    await assert.rejects(a.attest(new Uint8Array()), isSpireError(Code.INVALID_ARGUMENT, 'missing attestation payload'));
    await assert.rejects(a.attest(Buffer.from('{"cluster":1}')), isSpireError(Code.INVALID_ARGUMENT, 'failed to unmarshal attestation data: json: cannot unmarshal number into Go struct field SATAttestationData.cluster of type string'));
    await assert.rejects(a.attest(payloadOf('', 't')), isSpireError(Code.INVALID_ARGUMENT, 'missing cluster in attestation data'));
    await assert.rejects(a.attest(payloadOf('c1', '')), isSpireError(Code.INVALID_ARGUMENT, 'missing token in attestation data'));
    await assert.rejects(a.attest(payloadOf('c2', 't')), isSpireError(Code.INVALID_ARGUMENT, 'not configured for cluster "c2"'));
  });

  it('refuses an agent ID that is already attested (trust on first use)', async () => {
    const a = makeAttestor(data, { newUuid: () => uuid, host: agentStoreHost(new Set([`spiffe://example.org/spire/agent/k8s_sat/c1/${uuid}`])) });
    const token = signToken(legacyClaims('spire', 'spire-agent'), rsa.privateKey);
    await assert.rejects(a.attest(payloadOf('c1', token)), isSpireError(Code.PERMISSION_DENIED, 'attestation data has already been used to attest an agent'));
  });

  it('fails without the AgentStore host service', async () => {
    const a = makeAttestor(data, { host: {} });
    const token = signToken(legacyClaims('spire', 'spire-agent'), rsa.privateKey);
    await assert.rejects(a.attest(payloadOf('c1', token)), isSpireError(Code.INTERNAL, 'required AgentStore host service not available'));
  });
});
