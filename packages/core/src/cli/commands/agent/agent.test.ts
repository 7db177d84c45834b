import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test-support/api-server.js';
import { runAgainst } from '../../test-support/run-cli.js';

let server: TestServer;
const run = (words: string[], rest: string[] = []) => runAgainst(server.socketPath, words, rest);
const A1 = 'spiffe://example.org/spire/agent/x509pop/a1';
const A2 = 'spiffe://example.org/spire/agent/join_token/a2';
const OLD = 'spiffe://example.org/spire/agent/x509pop/old';
// More than one ListAgents page (1000).
const BULK = 1005;

before(async () => {
  server = await startTestServer({
    agents: [
      { spiffeId: A1, attestationType: 'x509pop', serial: '1111', expiresAt: 1900000000, canReattest: true, agentVersion: '1.16.0', selectors: [{ type: 'x509pop', value: 'subject:cn:a1' }, { type: 'x509pop', value: 'ca:fingerprint:ff' }] },
      { spiffeId: A2, attestationType: 'join_token', serial: '2222', expiresAt: 1900000100 },
      { spiffeId: OLD, attestationType: 'x509pop', serial: '3333', expiresAt: 1000000000, canReattest: true },
      ...Array.from({ length: BULK }, (_, i) => ({ spiffeId: `spiffe://example.org/spire/agent/bulk/${i}`, attestationType: 'bulk', serial: String(i), expiresAt: 1900000000 })),
    ],
  });
});
after(async () => {
  await server?.stop();
});

test('agent show prints SPIRE\'s block and the selectors in their stored order', async () => {
  const r = await run(['agent', 'show'], ['-spiffeID', A1]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'Found an attested agent given its SPIFFE ID',
      '',
      `SPIFFE ID         : ${A1}`,
      'Attestation type  : x509pop',
      'Expiration time   : 2030-03-17 17:46:40 +0000 UTC',
      'Serial number     : 1111',
      'Can re-attest     : true',
      'Agent version     : 1.16.0',
      '',
      // Stored as seeded above (cn first); SPIRE prints the node's selectors in stored order.
      'Selectors         : x509pop:subject:cn:a1',
      'Selectors         : x509pop:ca:fingerprint:ff',
      '',
    ].join('\n'),
  );
});

test('agent list pages through every agent; filters narrow it', async () => {
  const all = await run(['agent', 'list']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, new RegExp(`^Found ${BULK + 3} attested agents:\\n\\n`));
  assert.equal([...all.stdout.matchAll(/^SPIFFE ID {9}: /gm)].length, BULK + 3);
  const jt = await run(['agent', 'list'], ['-attestationType', 'join_token']);
  assert.equal(
    jt.stdout,
    ['Found 1 attested agent:', '', `SPIFFE ID         : ${A2}`, 'Attestation type  : join_token', 'Expiration time   : 2030-03-17 17:48:20 +0000 UTC', 'Serial number     : 2222', 'Can re-attest     : false', '', ''].join('\n'),
  );
  const sel = await run(['agent', 'list'], ['-selector', 'x509pop:subject:cn:a1', '-output', 'json']);
  const parsed = JSON.parse(sel.stdout) as { agents: Array<Record<string, unknown>> };
  assert.equal(parsed.agents.length, 1);
  assert.equal(parsed.agents[0]!.x509svid_expires_at, '1900000000');
  assert.deepEqual(parsed.agents[0]!.id, { path: '/spire/agent/x509pop/a1', trust_domain: 'example.org' });
  const none = await run(['agent', 'list'], ['-attestationType', 'nothing']);
  assert.equal(none.stdout, 'No attested agents found\n');
  const badDate = await run(['agent', 'list'], ['-expiresBefore', 'tomorrow']);
  assert.equal(badDate.code, 1);
  assert.match(badDate.stderr, /^Error: date is not valid: parsing time "tomorrow" as "2006-01-02 15:04:05 -0700 -07"/);
  const badMatch = await run(['agent', 'list'], ['-selector', 'a:b', '-matchSelectorsOn', 'most']);
  assert.equal(badMatch.stderr, 'Error: unsupported match behavior\n');
});

test('agent count, with a filter', async () => {
  assert.equal((await run(['agent', 'count'])).stdout, `${BULK + 3} attested agents\n`);
  assert.equal((await run(['agent', 'count'], ['-attestationType', 'join_token'])).stdout, '1 attested agent\n');
  assert.equal((await run(['agent', 'count'], ['-canReattest', 'true', '-output', 'json'])).stdout, '{"count":2}\n');
});

test('agent purge -dryRun lists expired re-attestable agents; purge deletes them', async () => {
  const dry = await run(['agent', 'purge'], ['-dryRun']);
  assert.equal(dry.stdout, `Found 1 expired agent\n\n\nAgents that can be purged:\nSPIFFE ID         : ${OLD}\n`);
  const json = await run(['agent', 'purge'], ['-dryRun', '-output', 'json']);
  assert.equal(json.stdout, `{"expired_agents":[{"agent_id":"${OLD}","deleted":false}]}\n`);
  const purge = await run(['agent', 'purge']);
  assert.equal(purge.stdout, `Found 1 expired agent\n\nAgents purged:\nSPIFFE ID         : ${OLD}\n`);
  assert.equal((await run(['agent', 'purge'])).stdout, 'No agents to purge.\n');
});

test('agent ban marks the agent banned; evict removes it', async () => {
  assert.deepEqual(await run(['agent', 'ban'], ['-spiffeID', A2]), { code: 0, stdout: 'Agent banned successfully\n', stderr: '' });
  const shown = await run(['agent', 'show'], ['-spiffeID', A2]);
  assert.match(shown.stdout, /\nBanned {12}: true\nCan re-attest {5}: false\n/);
  assert.doesNotMatch(shown.stdout, /Serial number/);
  assert.deepEqual(await run(['agent', 'evict'], ['-spiffeID', A2]), { code: 0, stdout: 'Agent evicted successfully\n', stderr: '' });
  const gone = await run(['agent', 'show'], ['-spiffeID', A2]);
  assert.deepEqual(gone, { code: 1, stdout: '', stderr: 'Error: rpc error: code = NotFound desc = agent not found\n' });
});

test('agent commands: missing or invalid -spiffeID', async () => {
  for (const cmd of ['ban', 'evict', 'show']) {
    assert.deepEqual(await run(['agent', cmd]), { code: 1, stdout: '', stderr: 'Error: a SPIFFE ID is required\n' }, cmd);
  }
  assert.deepEqual(await run(['agent', 'show'], ['-spiffeID', 'spiffe://Example.org/x']), {
    code: 1,
    stdout: '',
    stderr: 'Error: trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores\n',
  });
});
