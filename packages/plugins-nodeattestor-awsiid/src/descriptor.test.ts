import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code, silentLogger } from '@spire-ts/core/plugin';
import { isSpireError } from '@spire-ts/core/plugin/testing';
import { agentStore, payloadOf, REGION, seedInstance, startAws, td, type AwsTestEnv } from './emulator.test-support.js';
import { awsIidNodeAttestor, TEST_CERTS_ENV } from './index.js';

describe('aws_iid: the built-in descriptor and its test-only certificate file', () => {
  let env: AwsTestEnv;
  let dir: string;
  before(async () => {
    env = await startAws();
    dir = mkdtempSync(join(tmpdir(), 'aws-iid-desc-'));
  });
  after(async () => {
    delete process.env[TEST_CERTS_ENV];
    rmSync(dir, { recursive: true, force: true });
    await env.close();
  });

  const create = () => {
    const r = awsIidNodeAttestor.parseConfig({}, { trustDomain: td, dataDir: dir });
    return awsIidNodeAttestor.create({ config: r.config!, log: silentLogger(), trustDomain: td, dataDir: dir, host: agentStore() });
  };

  it('is named aws_iid', () => assert.equal(awsIidNodeAttestor.name, 'aws_iid'));

  it('checks against AWS’s certificates unless SPIRE_TEST_AWS_IID_CERTS_FILE names others', async () => {
    delete process.env[TEST_CERTS_ENV];
    const payload = await payloadOf(env, seedInstance(env).instanceId);
    await assert.rejects((await create()).attest(payload, async () => new Uint8Array()), isSpireError(Code.INVALID_ARGUMENT, /No certificate for signer/));
    const file = join(dir, 'certs.json');
    writeFileSync(file, JSON.stringify(env.signer.certsByRegion([REGION])));
    process.env[TEST_CERTS_ENV] = file;
    const attrs = await (await create()).attest(payload, async () => new Uint8Array());
    assert.match(attrs.spiffeId, /^spiffe:\/\/example\.org\/spire\/agent\/aws_iid\//);
  });

  it('fails to start when the test certificate file cannot be read', async () => {
    process.env[TEST_CERTS_ENV] = join(dir, 'missing.json');
    await assert.rejects(async () => create(), isSpireError(Code.INTERNAL, /^unable to load the test region certificates: ENOENT/));
  });
});
