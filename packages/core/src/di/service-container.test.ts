import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServiceContainer } from './service-container.js';
import { createServiceRef } from './service-ref.js';

interface Store {
  get(key: string): string | undefined;
}
interface Signer {
  sign(data: Buffer): Buffer;
}

const STORE = createServiceRef<Store>('test.Store');
const SIGNERS = createServiceRef<Signer[]>('test.Signers');

describe('typed service container', () => {
  it('resolves what was registered under a ref, and undefined for an unbound optional ref', () => {
    const c = createServiceContainer();
    const store: Store = { get: () => 'v' };
    c.register(STORE, store);
    assert.equal(c.resolve(STORE), store);
    assert.equal(c.resolve(STORE).get('k'), 'v');
    assert.equal(c.resolveOptional(SIGNERS), undefined);
    assert.throws(() => c.resolve(SIGNERS));
  });

  it('binds two refs with one id to one value, and keeps containers apart', () => {
    const a = createServiceContainer();
    const b = createServiceContainer();
    a.register(STORE, { get: () => 'a' });
    assert.equal(a.resolve(createServiceRef<Store>('test.Store')).get(''), 'a');
    assert.equal(b.resolveOptional(STORE), undefined);
  });

  it('refuses a wrong wiring at compile time', () => {
    const c = createServiceContainer();
    const signer: Signer = { sign: (d) => d };
    // Each line below must fail to compile: `tsc -b` reports an unused @ts-expect-error otherwise.
    // @ts-expect-error a Signer is not a Store
    c.register(STORE, signer);
    // @ts-expect-error a list ref takes a list
    c.register(SIGNERS, signer);
    c.register(SIGNERS, [signer]);
    // @ts-expect-error the Store ref resolves to a Store, not a Signer
    const wrong: Signer = c.resolve(STORE);
    // @ts-expect-error an optional ref may resolve to undefined
    const missing: Signer[] = c.resolveOptional(SIGNERS);
    assert.equal(c.resolve(STORE), signer);
    assert.equal(wrong, signer);
    assert.deepEqual(missing, [signer]);
  });
});
