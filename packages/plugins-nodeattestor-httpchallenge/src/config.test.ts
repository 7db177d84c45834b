import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHttpChallengeConfig } from './config.js';

describe('http_challenge: configuration', () => {
  it('has SPIRE defaults: any port, TOFU on, no patterns, no special addresses', () => {
    const { config, problems } = parseHttpChallengeConfig({});
    assert.deepEqual(problems, []);
    assert.equal(config!.allowNonRootPorts, true);
    assert.equal(config!.tofu, true);
    assert.equal(config!.requiredPort, undefined);
    assert.deepEqual(config!.dnsPatterns, []);
    assert.equal(config!.allowedSpecial.check('127.0.0.1', 'ipv4'), false);
  });

  it('allows TOFU off only when agents must use a root port', () => {
    const off = 'you can not turn off trust on first use (TOFU) when non-root ports are allowed';
    assert.deepEqual(parseHttpChallengeConfig({ tofu: false }).problems, [off]);
    assert.deepEqual(parseHttpChallengeConfig({ tofu: false, allow_non_root_ports: true }).problems, [off]);
    assert.deepEqual(parseHttpChallengeConfig({ tofu: false, required_port: 8080 }).problems, [off]);
    assert.deepEqual(parseHttpChallengeConfig({ tofu: false, required_port: 80 }).problems, []);
    assert.deepEqual(parseHttpChallengeConfig({ tofu: false, allow_non_root_ports: false }).problems, []);
  });

  it('collects every problem, naming each option', () => {
    const { config, problems } = parseHttpChallengeConfig({
      allowed_dns_patterns: ['('],
      required_port: 70000,
      allow_special_addresses: ['127.0.0.1/33', 'nope'],
      agent_path_template: '/x',
    });
    assert.equal(config, undefined);
    assert.deepEqual(problems, [
      'cannot compile allowed_dns_pattern: "(", Invalid regular expression: /(/u: Unterminated group',
      'required_port must be at most 65535; got 70000',
      'allow_special_addresses: "127.0.0.1/33" is not an IP address or CIDR range',
      'allow_special_addresses: "nope" is not an IP address or CIDR range',
      'unknown option agent_path_template',
    ]);
  });
});
