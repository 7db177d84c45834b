import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoginLinks } from './login-links.js';

test('a link is https://base/login?token=<256-bit token> and expires after the TTL', () => {
  const links = new LoginLinks(5 * 60_000, 'https://127.0.0.1:8444', () => 1_000);
  const l = links.issue();
  assert.match(l.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(l.url, `https://127.0.0.1:8444/login?token=${l.token}`);
  assert.equal(l.expiresAt, 1_000 + 5 * 60_000);
});

test('a token works once only', () => {
  const links = new LoginLinks(60_000, 'https://x');
  const l = links.issue();
  assert.equal(links.redeem(l.token), true);
  assert.equal(links.redeem(l.token), false);
});

test('a token does not work from its expiry on, and is used up by the attempt', () => {
  let now = 0;
  const links = new LoginLinks(60_000, 'https://x', () => now);
  const early = links.issue();
  const late = links.issue();
  now = 59_999;
  assert.equal(links.redeem(early.token), true);
  now = 60_000;
  assert.equal(links.redeem(late.token), false);
  now = 0;
  assert.equal(links.redeem(late.token), false);
});

test('tokens never issued, and each other link, are independent', () => {
  const links = new LoginLinks(60_000, 'https://x');
  const a = links.issue();
  const b = links.issue();
  assert.notEqual(a.token, b.token);
  assert.equal(links.redeem('made-up'), false);
  assert.equal(links.redeem(b.token), true);
  assert.equal(links.redeem(a.token), true);
});
