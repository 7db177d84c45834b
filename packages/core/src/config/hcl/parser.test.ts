import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from '../parse-text.js';

test('comments of all three kinds are ignored', () => {
  const v = parseHcl(`
# hash comment
a = 1 // line comment
/* block
   comment */ b = "x" # trailing
c = /* inline */ true
`);
  assert.deepEqual(v, { a: 1, b: 'x', c: true });
});

test('numbers: int, negative, float, exponent, hex', () => {
  const v = parseHcl('a = 42\nb = -7\nc = 1.5\nd = -0.25\ne = 1e3\nf = 0x1F\ng = 0');
  assert.deepEqual(v, { a: 42, b: -7, c: 1.5, d: -0.25, e: 1000, f: 31, g: 0 });
});

test('booleans and strings with escapes', () => {
  const v = parseHcl(String.raw`t = true
f = false
s = "tab\there \"quoted\" back\\slash nl\n uni\u00e9 hex\x41"
i = "${"${"}not.expanded}"`);
  assert.equal(v.t, true);
  assert.equal(v.f, false);
  assert.equal(v.s, 'tab\there "quoted" back\\slash nl\n unié hexA');
  assert.equal(v.i, '${not.expanded}');
});

test('interpolation braces may contain quotes', () => {
  assert.deepEqual(parseHcl('a = "${lookup("x")}"'), { a: '${lookup("x")}' });
});

test('lists: nested, mixed, trailing comma, multi-line, empty', () => {
  const v = parseHcl(`
a = ["x", "y",]
b = [
  1,
  2,
]
c = []
d = [[1, 2], ["z"]]
e = [{ address = "localhost:9000" env = "prod" }, { address = "b" },]
`);
  assert.deepEqual(v, {
    a: ['x', 'y'],
    b: [1, 2],
    c: [],
    d: [[1, 2], ['z']],
    e: [{ address: 'localhost:9000', env: 'prod' }, { address: 'b' }],
  });
});

test('objects by assignment and blocks are the same thing', () => {
  const v = parseHcl('a = { x = 1, y = "z" }\nb { x = 1\n y = "z" }\nc {}\nd = {}');
  assert.deepEqual(v, { a: { x: 1, y: 'z' }, b: { x: 1, y: 'z' }, c: {}, d: {} });
});

test('labelled blocks nest by label, quoted or bare, with one or two labels', () => {
  const v = parseHcl(`
plugins {
  KeyManager "disk" { plugin_data { keys_path = "k.json" } }
  NodeAttestor join_token { }
  "DataStore" "sql" plugin_data { database_type = "sqlite3" }
}
profile "https_web" "acme" { email = "e" }
`);
  assert.deepEqual(v, {
    plugins: {
      KeyManager: { disk: { plugin_data: { keys_path: 'k.json' } } },
      NodeAttestor: { join_token: {} },
      DataStore: { sql: { plugin_data: { database_type: 'sqlite3' } } },
    },
    profile: { https_web: { acme: { email: 'e' } } },
  });
});

test('repeated labelled blocks with different labels merge', () => {
  const v = parseHcl(`
federates_with "a.test" { bundle_endpoint_url = "https://a" }
federates_with "b.test" { bundle_endpoint_url = "https://b" }
`);
  assert.deepEqual(v, {
    federates_with: { 'a.test': { bundle_endpoint_url: 'https://a' }, 'b.test': { bundle_endpoint_url: 'https://b' } },
  });
});

test('repeated unlabelled blocks become a list, in order', () => {
  const v = parseHcl('Statsd { address = "a" }\nStatsd { address = "b" }\nStatsd { address = "c" }');
  assert.deepEqual(v, { Statsd: [{ address: 'a' }, { address: 'b' }, { address: 'c' }] });
});

test('quoted keys, and bare keys with dashes and dots', () => {
  const v = parseHcl('"quoted key" = 1\nwith-dash = 2\nwith.dot = 3\n"ns:name" = 4');
  assert.deepEqual(v, { 'quoted key': 1, 'with-dash': 2, 'with.dot': 3, 'ns:name': 4 });
});

test('comment markers inside strings are text', () => {
  const v = parseHcl('a = "https://example.org/x#frag" # real comment\nb = "/* not a comment */ // nor this"');
  assert.deepEqual(v, { a: 'https://example.org/x#frag', b: '/* not a comment */ // nor this' });
});

test('items may be separated by commas, newlines or nothing', () => {
  assert.deepEqual(parseHcl('a = 1, b = 2 c = 3'), { a: 1, b: 2, c: 3 });
});

test('a __proto__ key is kept as data, not as a prototype', () => {
  const v = parseHcl('__proto__ = { polluted = true }');
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('CRLF line endings and a byte-order mark are accepted', () => {
  assert.deepEqual(parseHcl('\uFEFFa = 1\r\nb {\r\n  c = "d"\r\n}\r\n'), { a: 1, b: { c: 'd' } });
});

test('labelled and nested forms of the same block merge, in either order', () => {
  const v = parseHcl('KeyManager "disk" { a = 1 }\nKeyManager { memory { b = 2 } }\nNodeAttestor { jt {} }\nNodeAttestor "x" {}');
  assert.deepEqual(v, {
    KeyManager: { disk: { a: 1 }, memory: { b: 2 } },
    NodeAttestor: { jt: {}, x: {} },
  });
  assert.throws(() => parseHcl('K "d" {}\nK { d {} }', 'f.conf'), /f\.conf:2:5: K\.d: declared more than once/);
});
