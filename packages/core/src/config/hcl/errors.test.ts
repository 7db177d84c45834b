import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from '../parse-text.js';
import { ConfigSyntaxError } from '../syntax-error.js';

function syntaxError(text: string, expected: string): void {
  assert.throws(
    () => parseHcl(text, 'server.conf'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigSyntaxError, String(e));
      assert.equal(e.message, expected);
      return true;
    },
  );
}

test('a missing value names file:line:col and what was expected', () => {
  syntaxError('server {\n  trust_domain =\n}\n', "server.conf:3:1: expected a value (string, number, bool, list or object), got '}'");
});

test('an unclosed block', () => {
  syntaxError('server {\n  a = 1\n', "server.conf:3:1: expected '}' to close the object, got end of file");
});

test('a key without = or {', () => {
  syntaxError('a = 1\nb "c"\n', `server.conf:3:1: expected '=' or '{' after key "c", got end of file`);
});

test('labels cannot be assigned with =', () => {
  syntaxError('a "b" = 1', `server.conf:1:7: expected '{' after block labels (a labelled block "a" cannot be assigned with '='), got '='`);
});

test('an unterminated string', () => {
  syntaxError('a = "abc\nb = 1', `server.conf:1:5: string not terminated: expected '"'`);
});

test('an unterminated block comment', () => {
  syntaxError('a = 1\n/* never closed\n', 'server.conf:2:1: comment not terminated: expected "*/"');
});

test('an unterminated heredoc', () => {
  syntaxError('a = <<EOF\nline\n', 'server.conf:1:5: heredoc not terminated: expected a line with EOF');
});

test('a list without commas', () => {
  syntaxError('a = [1 2]', "server.conf:1:8: expected ',' or ']' in list, got number 2");
});

test('a bare word is not a value', () => {
  syntaxError('a = yes', 'server.conf:1:5: expected a value (string, number, bool, list or object), got identifier yes');
});

test('an invalid escape', () => {
  syntaxError('a = "\\q"', 'server.conf:1:6: invalid escape sequence \\q');
});

test('a stray character', () => {
  syntaxError('a = 1\n  @', 'server.conf:2:3: unexpected character "@"');
});

test('the same key twice, or the same labelled block twice, is declared more than once', () => {
  syntaxError('a = 1\na = 2', 'server.conf:2:1: a: declared more than once');
  syntaxError('p "x" {}\np "y" {}\np "x" {}', 'server.conf:3:3: p.x: declared more than once');
});
