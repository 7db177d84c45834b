import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Storage } from '@google-cloud/storage';
import { GcpEmulator } from './emulator.js';

let gcp: GcpEmulator;
let storage: Storage;
before(async () => {
  gcp = await GcpEmulator.start();
  process.env.STORAGE_EMULATOR_HOST = gcp.url;
  storage = new Storage({ projectId: 'test-project' });
  gcp.storage.createBucket('bundles');
});
after(async () => gcp.close());

type ClientError = { code?: number; status?: number; errors?: { reason: string }[]; response?: { data?: { error?: { errors?: { reason: string }[] } } } };
/** The HTTP status of an ApiError (multipart, metadata) or a GaxiosError (resumable session start). */
const code = (e: unknown) => (e as ClientError).code ?? (e as ClientError).status;
const reasons = (e: unknown) => ((e as ClientError).errors ?? (e as ClientError).response?.data?.error?.errors ?? []).map((x) => x.reason);

describe('Cloud Storage emulator through @google-cloud/storage', () => {
  it('reads bucket metadata; a missing bucket or object is 404', async () => {
    const [b] = await storage.bucket('bundles').getMetadata();
    assert.equal(b.name, 'bundles');
    await assert.rejects(storage.bucket('nope').getMetadata(), (e) => code(e) === 404);
    await assert.rejects(storage.bucket('bundles').file('a/missing.pem').getMetadata(), (e) => code(e) === 404);
  });

  for (const resumable of [false, true]) {
    it(`${resumable ? 'resumable' : 'multipart'} upload: stores the object, ifGenerationMatch is enforced (412 conditionNotMet)`, async () => {
      const file = storage.bucket('bundles').file(`dir/${resumable ? 'r' : 'm'}.pem`);
      await file.save('one', { resumable, contentType: 'application/x-pem-file', preconditionOpts: { ifGenerationMatch: 0 } });
      const [m] = await file.getMetadata();
      assert.equal(m.contentType, 'application/x-pem-file');
      const gen = Number(m.generation);
      assert.ok(gen > 0);
      assert.equal(gcp.storage.read('bundles', `dir/${resumable ? 'r' : 'm'}.pem`), 'one');
      await assert.rejects(file.save('two', { resumable, preconditionOpts: { ifGenerationMatch: 0 } }), (e) => code(e) === 412 && reasons(e).includes('conditionNotMet'));
      await file.save('three', { resumable, preconditionOpts: { ifGenerationMatch: gen } });
      const [data] = await file.download();
      assert.equal(data.toString(), 'three');
      assert.ok(Number((await file.getMetadata())[0].generation) > gen);
    });
  }
});
