import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBundleFileConfig } from './config.js';

describe('bundle_file plugin_data', () => {
  it('reads bundle_path and defaults file_mode to 0644', () => {
    assert.deepEqual(parseBundleFileConfig({ bundle_path: '/run/spire/bundle.pem' }), {
      config: { bundlePath: '/run/spire/bundle.pem', fileMode: 0o644 },
      problems: [],
    });
  });

  it('reads file_mode as octal', () => {
    assert.equal(parseBundleFileConfig({ bundle_path: '/b.pem', file_mode: '0600' }).config?.fileMode, 0o600);
  });

  it('collects every problem, each naming its option', () => {
    assert.deepEqual(parseBundleFileConfig({ file_mode: 'rw', extra: 1 }).problems, [
      'bundle_path is required',
      'file_mode must be an octal mode such as "0644"',
      'unknown option extra',
    ]);
    assert.deepEqual(parseBundleFileConfig({ bundle_path: 'relative.pem' }).problems, ['bundle_path must be an absolute path']);
  });
});
