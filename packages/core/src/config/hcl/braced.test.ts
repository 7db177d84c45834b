import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from '../parse-text.js';
import { ConfigSyntaxError } from '../syntax-error.js';

function syntaxError(text: string, filename: string, expected: string): void {
  assert.throws(
    () => parseHcl(text, filename),
    (e: unknown) => {
      assert.ok(e instanceof ConfigSyntaxError, String(e));
      assert.equal(e.message, expected);
      return true;
    },
  );
}

test('a document that is one braced HCL object (SPIRE prints plugin_data so) is read as its members', () => {
  const text = '{\n  shared_secret = "x"\n\n  list = [\n    "a",\n  ]\n  inner {\n    n = 1\n  }\n}\n';
  assert.deepEqual(parseHcl(text, 'plugin_data'), { shared_secret: 'x', list: ['a'], inner: { n: 1 } });
  assert.deepEqual(parseHcl('{}', 'plugin_data'), {});
});

test('text starting with { is still JSON first', () => {
  assert.deepEqual(parseHcl('{"a": 1, "b": {"c": "d"}}', 'plugin_data'), { a: 1, b: { c: 'd' } });
});

test('a braced document followed by more text is an error at that text', () => {
  syntaxError('{ a = 1 } b = 2', 'plugin_data', 'plugin_data:1:11: expected end of input after the closing brace, got identifier b');
});

test('when both readings fail, the error is the one that read further', () => {
  // HCL gets to line 3; JSON stops at the first key.
  syntaxError('{\n  a = 1\n  b =\n}', 'plugin_data', "plugin_data:4:1: expected a value (string, number, bool, list or object), got '}'");
  // JSON gets to the trailing comma; HCL stops at the ':'.
  syntaxError('{"a": 1, "b": [1,]}', 'plugin_data', 'plugin_data:1:18: expected a JSON value, got "]"');
});

test('a .json name is JSON only', () => {
  syntaxError('{ a = 1 }', 'x.json', 'x.json:1:3: expected a quoted key, got "a"');
});
