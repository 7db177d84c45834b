import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError, flagUsage, parseFlags, type FlagSpec } from './flags.js';

const specs: FlagSpec[] = [
  { name: 'socketPath', kind: 'string', usage: 'socket', default: '/tmp/x.sock' },
  { name: 'ttl', kind: 'int', usage: 'ttl', default: 0 },
  { name: 'verbose', kind: 'bool', usage: 'verbose' },
  { name: 'selector', kind: 'list', usage: 'selector' },
];

test('single and double dash, = and separate values, repeatable lists, defaults', () => {
  const p = parseFlags(specs, ['-socketPath', '/a.sock', '--ttl=30', '-selector', 'unix:uid:0', '-selector=unix:gid:0', '-verbose', 'rest', '-x']);
  assert.equal(p.values.socketPath, '/a.sock');
  assert.equal(p.values.ttl, 30);
  assert.equal(p.values.verbose, true);
  assert.deepEqual(p.values.selector, ['unix:uid:0', 'unix:gid:0']);
  assert.deepEqual(p.rest, ['rest', '-x']);
  assert.deepEqual([...p.set].sort(), ['selector', 'socketPath', 'ttl', 'verbose']);
  const d = parseFlags(specs, []);
  assert.equal(d.values.socketPath, '/tmp/x.sock');
  assert.equal(d.set.size, 0);
});

test('booleans take =false; -- ends flags', () => {
  const p = parseFlags(specs, ['-verbose=false', '--', '-ttl', '3']);
  assert.equal(p.values.verbose, false);
  assert.deepEqual(p.rest, ['-ttl', '3']);
});

test('errors use the wording of Go flag', () => {
  assert.throws(() => parseFlags(specs, ['-nope']), new FlagError('flag provided but not defined: -nope'));
  assert.throws(() => parseFlags(specs, ['-ttl']), new FlagError('flag needs an argument: -ttl'));
  assert.throws(() => parseFlags(specs, ['-ttl', 'abc']), new FlagError('invalid value "abc" for flag -ttl: parse error'));
  assert.throws(() => parseFlags(specs, ['-verbose=maybe']), new FlagError('invalid boolean value "maybe" for -verbose: parse error'));
});

test('usage lists flags sorted with types and defaults, leaving out zero defaults as Go does', () => {
  assert.equal(
    flagUsage([...specs, { name: 'expiredFor', kind: 'duration', usage: 'age', default: '720h0m0s' }, { name: 'output', kind: 'string', usage: 'format', typeName: 'value' }, { name: 'port', kind: 'int', usage: 'port', default: 8081 }]),
    [
      '  -expiredFor duration',
      '    \tage (default 720h0m0s)',
      '  -output value',
      '    \tformat',
      '  -port int',
      '    \tport (default 8081)',
      '  -selector value',
      '    \tselector',
      '  -socketPath string',
      '    \tsocket (default "/tmp/x.sock")',
      '  -ttl int',
      '    \tttl',
      '  -verbose',
      '    \tverbose',
    ].join('\n'),
  );
});

test('duration flags take Go durations only', () => {
  assert.equal(parseFlags([{ name: 'ttl', kind: 'duration', usage: 'ttl' }], ['-ttl', '1h30m']).values.ttl, '1h30m');
  assert.throws(() => parseFlags([{ name: 'ttl', kind: 'duration', usage: 'ttl' }], ['-ttl', '5']), new FlagError('invalid value "5" for flag -ttl: parse error'));
});
