import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { issue } from '@spire-ts/emulator-ejbca';
import { PKCS10_ENROLL_PATH } from './index.js';
import { caCsr, makeUA, mint, startEjbca, type EjbcaTestEnv } from './harness.test-support.js';

const PREFIX = 'EJBCA returned an error: failed to enroll CSR - ';

describe('ejbca: refusals and broken answers', () => {
  let env: EjbcaTestEnv;
  let url: string;
  before(async () => {
    env = await startEjbca();
    url = `${env.ejbca.url}${PKCS10_ENROLL_PATH}`;
  });
  after(async () => env.close());

  it('is refused with a client certificate from a CA EJBCA does not trust', async () => {
    const rogueCa = await issue({ subject: 'CN=Rogue CA', ca: true });
    const rogue = await issue({ subject: 'CN=SuperAdmin', eku: ['1.3.6.1.5.5.7.3.2'] }, rogueCa);
    writeFileSync(join(env.dir, 'rogue.pem'), rogue.certPem);
    writeFileSync(join(env.dir, 'rogue-key.pem'), rogue.keyPem);
    const ua = await makeUA({ ...env.data, client_cert_path: join(env.dir, 'rogue.pem'), client_cert_key_path: join(env.dir, 'rogue-key.pem') });
    await rejectsWith(
      mint(ua),
      Code.INTERNAL,
      `${PREFIX}403 Forbidden - EJBCA API returned error {"error_code":403,"error_message":"Client certificate not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE."}`,
    );
  });

  it("does not trust a server whose certificate is not under ca_cert_path", async () => {
    writeFileSync(join(env.dir, 'other-root.pem'), env.ejbca.rootPem);
    const ua = await makeUA({ ...env.data, ca_cert_path: join(env.dir, 'other-root.pem') });
    await rejectsWith(mint(ua), Code.INTERNAL, `${PREFIX}Post "${url}": unable to verify the first certificate`);
  });

  it("reports EJBCA's error status and body", async () => {
    const ua = await makeUA(env.data);
    env.ejbca.fail(400, 'Wrong certificate profile');
    await rejectsWith(mint(ua), Code.INTERNAL, `${PREFIX}400 Bad Request - EJBCA API returned error {"error_code":400,"error_message":"Wrong certificate profile"}`);
    await rejectsWith(mint(await makeUA({ ...env.data, ca_name: 'Nope' })), Code.INTERNAL, `${PREFIX}404 Not Found - EJBCA API returned error {"error_code":404,"error_message":"CA with name Nope doesn't exist."}`);
  });

  it('refuses garbage answers', async () => {
    const ua = await makeUA(env.data);
    env.ejbca.answerRaw(200, 'not json');
    await rejectsWith(mint(ua), Code.INTERNAL, `${PREFIX}Unexpected token 'o', "not json" is not valid JSON - EJBCA API returned error not json`);
    env.ejbca.answerRaw(200, JSON.stringify({ response_format: 'PKCS7', certificate: '' }));
    await rejectsWith(mint(ua), Code.INTERNAL, 'ejbca returned unsupported certificate format: "PKCS7"');
    env.ejbca.answerRaw(200, JSON.stringify({ response_format: 'DER', certificate: 'not base64!' }));
    await rejectsWith(mint(ua), Code.INTERNAL, 'failed to base64 decode DER certificate: illegal base64 data');
    env.ejbca.answerRaw(200, JSON.stringify({ response_format: 'DER', certificate: 'AAAA', certificate_chain: [] }));
    await rejectsWith(mint(ua), Code.INTERNAL, /^failed to serialize certificate issued by EJBCA: /);
    env.ejbca.answerRaw(200, JSON.stringify({ response_format: 'PEM', certificate: env.ejbca.rootPem, certificate_chain: ['junk'] }));
    await rejectsWith(mint(ua), Code.INTERNAL, 'failed to parse CA certificate PEM');
    env.ejbca.answerRaw(200, JSON.stringify({ response_format: 'PEM', certificate: env.ejbca.rootPem, certificate_chain: [] }));
    await rejectsWith(mint(ua), Code.INTERNAL, 'EJBCA did not return a CA chain');
  });

  it('gives up at the timeout when EJBCA is slow', async () => {
    const ua = await makeUA(env.data, { timeoutMs: 200 });
    env.ejbca.setLatencyMs(2000);
    try {
      await rejectsWith(mint(ua), Code.INTERNAL, `${PREFIX}Post "${url}": context deadline exceeded`);
    } finally {
      env.ejbca.setLatencyMs(0);
    }
  });

  it('refuses a CSR that names no end entity when end_entity_name asks for one', async () => {
    await rejectsWith(
      mint(await makeUA({ ...env.data, end_entity_name: 'dns' }), await caCsr()),
      Code.INTERNAL,
      'unable to determine end entity name: no valid end entity name could be determined from the CertificateRequest',
    );
    await rejectsWith(
      (async () => {
        for await (const r of (await makeUA(env.data)).mintX509CAAndSubscribe({ csr: new Uint8Array([1, 2, 3]), preferredTtlSeconds: 60 })) return r;
      })(),
      Code.INVALID_ARGUMENT,
      /^unable to parse CSR: /,
    );
  });

  it('says UNIMPLEMENTED for JWT keys', async () => {
    const ua = await makeUA(env.data);
    await rejectsWith(
      (async () => {
        for await (const r of ua.publishJWTKeyAndSubscribe({ publicKey: new Uint8Array(), keyId: 'k', expiresAt: 0, tainted: false })) return r;
      })(),
      Code.UNIMPLEMENTED,
      'publishing JWT keys is not supported by the EJBCA UpstreamAuthority plugin',
    );
  });
});
