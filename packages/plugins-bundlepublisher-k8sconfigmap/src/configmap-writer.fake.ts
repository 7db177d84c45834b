import type { ConfigMapWriter } from './configmap-apply.js';

/**
 * An in-memory ConfigMap store for unit tests: `writer()` gives a ConfigMapWriter onto it,
 * `writes` counts the calls and `failNext` makes the next write throw that error.
 */
export class FakeConfigMaps {
  readonly data = new Map<string, Record<string, string>>();
  writes = 0;
  failNext: Error | undefined;

  writer(): ConfigMapWriter {
    return async (namespace, name, key, value) => {
      this.writes++;
      const err = this.failNext;
      if (err) {
        this.failNext = undefined;
        throw err;
      }
      const id = `${namespace}/${name}`;
      this.data.set(id, { ...this.data.get(id), [key]: value });
    };
  }

  /** The value of one key, if written. */
  value(namespace: string, name: string, key: string): string | undefined {
    return this.data.get(`${namespace}/${name}`)?.[key];
  }
}
