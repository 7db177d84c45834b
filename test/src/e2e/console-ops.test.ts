// The console's operator pages in Debian's Chromium against real servers: a join token that an
// agent attests with, the agent listed and banned, a federation relationship refreshed against a
// second server, and a new X.509 authority prepared and activated; a screenshot of each page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentClient, RpcError, joinTokenAttestor } from '../agent/index.js';
import { ConsoleRig, browserSkip } from './console-setup.js';
import { ServerProcess, freePort } from './harness.js';

async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('console: agents, federation and the CA in a real browser', { skip: browserSkip(), timeout: 300_000 }, () => {
  const rig = new ConsoleRig('a.test');
  const other = new ServerProcess('b.test');
  let otherPort = 0;
  before(async () => {
    otherPort = await freePort();
    await Promise.all([
      rig.start(),
      other.start({
        extraServer: `federation {
    bundle_endpoint {
      address = "127.0.0.1"
      port = ${otherPort}
      profile "https_spiffe" {}
    }
  }`,
      }),
    ]);
  });
  after(async () => {
    await Promise.all([rig.stop(), other.stop()]);
  });

  it('generates a join token that an agent attests with; the agent is listed, then banned and refused', async () => {
    const page = await rig.loggedIn('#/tokens');
    const form = page.getByRole('form', { name: 'Generate a join token' });
    await form.getByLabel('TTL', { exact: true }).fill('600');
    await page.getByTestId('token-generate').click();
    const token = ((await page.getByTestId('token-value').textContent()) ?? '').trim();
    assert.match(token, /^[0-9a-f-]{36}$/);
    assert.match((await page.getByTestId('token-command').textContent()) ?? '', new RegExp(`-joinToken ${token}`));
    await rig.screenshot(page, 'tokens');

    const agent = new AgentClient({ address: `127.0.0.1:${rig.server.port}`, trustDomain: 'a.test', bundlePem: await rig.server.bundlePem() });
    try {
      const { spiffeId } = await agent.attest(joinTokenAttestor(token));
      assert.equal(spiffeId, `spiffe://a.test/spire/agent/join_token/${token}`);
      await agent.sync();

      await page.goto(`${rig.origin}/#/agents`);
      const row = page.getByTestId('agent-row').filter({ hasText: spiffeId });
      await row.waitFor();
      await rig.screenshot(page, 'agents');
      await row.getByTestId('agent-ban').click();
      await page.getByTestId('confirm-ok').click();
      await until('the ban to be stored', () => /Banned\s+: true/.test(rig.server.cli('agent', 'show', '-spiffeID', spiffeId)));
      // Refused as SPIRE refuses a banned agent: PermissionDenied with the AGENT_BANNED reason.
      await assert.rejects(agent.sync(), (err: unknown) => {
        assert.ok(err instanceof RpcError, String(err));
        assert.equal(err.code, 7);
        assert.equal(err.deniedReason, 'AGENT_BANNED');
        return true;
      });
    } finally {
      agent.close();
    }
    await page.close();
  });

  it('adds a federation relationship, refreshes it and shows the result', async () => {
    const page = await rig.loggedIn('#/bundles');
    // https_spiffe authenticates the endpoint with b.test's bundle: set it first, on the Bundles page.
    const set = page.getByRole('form', { name: 'Set a federated bundle' });
    await set.getByLabel('Trust domain ID', { exact: true }).fill('spiffe://b.test');
    await set.getByLabel('Bundle format', { exact: true }).selectOption('pem');
    await set.getByLabel('Bundle', { exact: true }).fill(await other.bundlePem());
    await page.getByTestId('bundle-set').click();
    await page.getByTestId('bundle-row').filter({ hasText: 'b.test' }).waitFor();
    await rig.screenshot(page, 'bundles');

    await page.goto(`${rig.origin}/#/federation`);
    await page.getByTestId('federation-create').click();
    const form = page.getByRole('form', { name: 'New federation relationship' });
    await form.getByLabel('Trust domain', { exact: true }).fill('b.test');
    await form.getByLabel('Bundle endpoint URL', { exact: true }).fill(`https://127.0.0.1:${otherPort}`);
    await form.getByLabel('Bundle endpoint profile', { exact: true }).selectOption('https_spiffe');
    await form.getByLabel('Endpoint SPIFFE ID', { exact: true }).fill('spiffe://b.test/spire/server');
    await page.getByTestId('federation-save').click();
    const row = page.getByTestId('federation-row').filter({ hasText: 'b.test' });
    await row.waitFor();
    assert.match(rig.server.cli('federation', 'show', '-trustDomain', 'b.test'), new RegExp(`Bundle endpoint URL\\s*: https://127.0.0.1:${otherPort}`));

    await row.getByTestId('federation-refresh').click();
    await row.getByTestId('federation-status').getByText('Last success').waitFor({ timeout: 30_000 });
    assert.equal(await row.getByTestId('federation-status').getByText('Last error').count(), 0);
    await rig.screenshot(page, 'federation');
    await page.close();
  });

  it('prepares and activates a new X.509 authority, and the CLI agrees', async () => {
    const shown = () => rig.server.cli('localauthority', 'x509', 'show');
    const activeBefore = /Active X\.509 authority:\s*\n\s*Authority ID:\s*(\S+)/.exec(shown())?.[1];
    assert.ok(activeBefore, shown());
    const page = await rig.loggedIn('#/ca');
    const x509 = page.getByTestId('ca-x509');
    await x509.getByTestId('authority-prepare').click();
    await page.getByTestId('confirm-ok').click();
    const prepared = x509.locator('[data-testid="authority-row"][data-slot="prepared"]');
    await prepared.waitFor();
    const preparedId = /Prepared X\.509 authority:\s*\n\s*Authority ID:\s*(\S+)/.exec(shown())?.[1];
    assert.ok(preparedId, shown());
    assert.match((await prepared.textContent()) ?? '', new RegExp(preparedId));

    await prepared.getByTestId('authority-activate').click();
    const dialog = page.getByRole('dialog');
    assert.match((await dialog.getByTestId('confirm-authority').textContent()) ?? '', new RegExp(preparedId));
    await page.getByTestId('confirm-ok').click();
    await until('the CLI to show the new active authority', () => new RegExp(`Active X\\.509 authority:\\s*\\n\\s*Authority ID:\\s*${preparedId}`).test(shown()));
    await x509.locator('[data-testid="authority-row"][data-slot="old"]').filter({ hasText: activeBefore }).waitFor();
    await rig.screenshot(page, 'ca');
    await page.close();
  });
});
