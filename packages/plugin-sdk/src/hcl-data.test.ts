import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from './index.js';
import { decodePluginData } from './hcl-data.js';

describe('decodePluginData', () => {
  it('reads attributes, lists, nested and labelled blocks, comments', () => {
    const text = `
      # a comment
      key_type = "ec-p256"   // trailing comment
      ttl = 3600
      ratio = -1.5
      enabled = true
      names = ["a", "b",]
      /* block
         comment */
      nested {
        inner = "x"
      }
      backend "s3" { bucket = "b1" }
      backend "gcs" { bucket = "b2" }
      obj = { a = 1, b = "two" }
    `;
    assert.deepEqual(decodePluginData(text), {
      key_type: 'ec-p256',
      ttl: 3600,
      ratio: -1.5,
      enabled: true,
      names: ['a', 'b'],
      nested: { inner: 'x' },
      backend: { s3: { bucket: 'b1' }, gcs: { bucket: 'b2' } },
      obj: { a: 1, b: 'two' },
    });
  });

  it('reads the braced form SPIRE prints for a plugin_data block', () => {
    assert.deepEqual(decodePluginData('{\n  shared_secret = "x"\n\n  list = [\n    "a",\n  ]\n}'), { shared_secret: 'x', list: ['a'] });
  });

  it('reads JSON', () => {
    assert.deepEqual(decodePluginData('{"path": "/tmp/x", "n": [1, 2]}'), { path: '/tmp/x', n: [1, 2] });
  });

  it('reads escapes and heredocs', () => {
    assert.deepEqual(decodePluginData('s = "a\\"b\\n"\nh = <<EOF\nline 1\n  line 2\nEOF\nt = <<-X\n    x\n      y\n    X\n'), {
      s: 'a"b\n',
      h: 'line 1\n  line 2\n',
      t: 'x\n  y\n',
    });
  });

  it('turns a repeated key into a list', () => {
    assert.deepEqual(decodePluginData('a = 1\na = 2\na = 3'), { a: [1, 2, 3] });
  });

  it('reads empty text as no options', () => {
    assert.deepEqual(decodePluginData('   \n'), {});
  });

  it('names the line of a syntax error', () => {
    assert.throws(() => decodePluginData('a = 1\nb = \n'), { code: Code.INVALID_ARGUMENT, message: 'plugin_data: line 3: unexpected "end of input"' });
    assert.throws(() => decodePluginData('a = "open\n'), { code: Code.INVALID_ARGUMENT, message: 'plugin_data: line 1: unterminated string' });
    assert.throws(() => decodePluginData('{ a = 1 } b'), { code: Code.INVALID_ARGUMENT, message: 'plugin_data: line 1: unexpected "b" after the closing brace' });
  });
});
