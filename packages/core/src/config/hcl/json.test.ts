import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from '../parse-text.js';
import { ConfigSyntaxError } from '../syntax-error.js';

test('JSON is detected by a leading { and decodes to the same values', () => {
  const v = parseHcl('  {"a": 1, "b": [true, null, "x"], "c": {"d": -1.5e2}}', 'x.conf');
  assert.deepEqual(v, { a: 1, b: [true, null, 'x'], c: { d: -150 } });
});

test('JSON is detected by a .json name even with leading garbage', () => {
  assert.throws(() => parseHcl('a = 1', 'server.json'), (e: unknown) => e instanceof ConfigSyntaxError && e.message.startsWith('server.json:1:1: '));
});

test('JSON errors name the line and column', () => {
  assert.throws(
    () => parseHcl('{\n  "a": 1,\n  "b" 2\n}', 'server.json'),
    (e: unknown) => e instanceof ConfigSyntaxError && e.message === `server.json:3:7: expected ':' after key "b", got "2"`,
  );
  assert.throws(
    () => parseHcl('{"a": [1,]}', 'server.json'),
    (e: unknown) => e instanceof ConfigSyntaxError && e.message === 'server.json:1:10: expected a JSON value, got "]"',
  );
});

test('JSON string escapes', () => {
  assert.deepEqual(parseHcl('{"s": "a\\"b\\\\c\\n\\u00e9\\/"}'), { s: 'a"b\\c\né/' });
});

test('the same key twice in JSON is declared more than once', () => {
  assert.throws(
    () => parseHcl('{"a": 1,\n "a": 2}', 'x.json'),
    (e: unknown) => e instanceof ConfigSyntaxError && e.message === 'x.json:2:2: a: declared more than once',
  );
});
