import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GoogleAuth } from 'google-auth-library';
import { GcpEmulator } from './emulator.js';

describe('GcpEmulator: Application Default Credentials from the emulated metadata server', () => {
  let gcp: GcpEmulator;
  const saved = { ...process.env };
  before(async () => {
    gcp = await GcpEmulator.start();
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    Object.assign(process.env, gcp.env());
  });
  after(async () => {
    process.env = saved;
    await gcp.close();
  });

  it('gives google-auth-library an access token and the project, and checks bearers', async () => {
    const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
    const token = (await (await auth.getClient()).getAccessToken()).token!;
    assert.ok(gcp.tokens.has(token));
    assert.equal(await auth.getProjectId(), 'test-project');
    gcp.checkBearer(`Bearer ${token}`);
    assert.throws(() => gcp.checkBearer('Bearer forged'), { status: 401 });
  });
});
