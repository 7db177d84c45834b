import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from '../parse-text.js';

test('a heredoc keeps its lines and ends with a newline', () => {
  const v = parseHcl('policy = <<EOF\nline one\n  indented "quotes" ${x}\nEOF\nafter = 1\n');
  assert.deepEqual(v, { policy: 'line one\n  indented "quotes" ${x}\n', after: 1 });
});

test('an empty heredoc is the empty string', () => {
  assert.deepEqual(parseHcl('a = <<END\nEND\n'), { a: '' });
});

test('<<- removes the closing marker indentation from every line', () => {
  const v = parseHcl('server {\n  a = <<-EOT\n    first\n      second\n    EOT\n}\n');
  assert.deepEqual(v, { server: { a: 'first\n  second\n' } });
});

test('<<- keeps lines as they are when one is less indented than the marker', () => {
  const v = parseHcl('a = <<-EOT\n    first\n  less\n    EOT\n');
  assert.equal(v.a, '    first\n  less\n');
});

test('a heredoc with an indented marker and plain << does not end there', () => {
  const v = parseHcl('a = <<EOT\n  EOT\nEOT\n');
  assert.equal(v.a, '  EOT\n');
});

test('heredocs may be list elements', () => {
  const v = parseHcl('a = [<<A\nx\nA\n, "y"]');
  assert.deepEqual(v, { a: ['x\n', 'y'] });
});
