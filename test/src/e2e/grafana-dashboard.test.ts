// The Grafana dashboard in conf/grafana stays honest: a real Prometheus scrapes a real
// `spire-server run` that has served some traffic, and every target of every panel is evaluated
// through Prometheus's HTTP API. Each must be valid PromQL, name only series the server emits, and
// the core panels must show data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardPanels, expandVariables, loadDashboard, metricNames, type DashboardPanel } from './dashboard-queries.js';
import { driveLoad, startMonitoredServer, type MonitoredServer } from './dashboard-load.js';
import { prometheusSkip } from './prometheus-process.js';

/** Panels that must return samples after one round of traffic. */
const CORE_PANELS = [
  'Servers',
  'Uptime',
  'X.509 CA time to expiry',
  'Server SVID rotation failures (1h)',
  'RPC calls by method and status',
  'Signed by the CA',
  'Datastore calls by operation',
  'Entry cache reload time',
  'Federated bundle fetches',
  'Memory',
  'Event loop lag',
];

/** Series the dashboard reads that this short run does not make, and why (all are emitted by the server). */
const NOT_EXERCISED: Record<string, string> = {
  spire_server_server_ca_sign_x509_ca_svid: 'NewDownstreamX509CA needs a downstream entry',
  spire_server_server_key_manager_sign_data_elapsed_time: 'the disk KeyManager signs in the worker pool, not through SignData',
  spire_server_ca_manager_bundle_prune: 'pruning runs hourly',
  spire_server_ca_manager_bundle_pruned: 'pruning runs hourly',
  spire_server_registration_entry_manager_prune: 'runs every 5 minutes',
  spire_server_node_manager_prune: 'needs prune_attested_nodes_expired_for',
  spire_server_entry_entries_by_entryid_cache_count: 'needs events_based_cache',
  spire_server_entry_nodealiases_by_entryid_cache_count: 'needs events_based_cache',
  spire_server_entry_nodealiases_by_selector_cache_count: 'needs events_based_cache',
  spire_server_entry_skipped_entry_event_ids_count: 'needs events_based_cache',
  spire_server_node_agents_by_id_cache_count: 'needs events_based_cache',
  spire_server_node_agents_by_expiresat_cache_count: 'needs events_based_cache',
  spire_server_node_skipped_node_event_ids_count: 'needs events_based_cache',
  spire_server_bundle_manager_update_federated_bundle: 'needs a reachable bundle endpoint whose bundle changes',
};

const VARS = { instance: '.*', rateInterval: '1m', interval: '1s' };

describe('the Grafana dashboard against a real server and Prometheus', { skip: prometheusSkip(), timeout: 120_000 }, () => {
  const dashboard = loadDashboard();
  const panels = dashboardPanels(dashboard);
  let m: MonitoredServer | undefined;

  before(async () => {
    m = await startMonitoredServer();
    await driveLoad(m.server, 0);
    // Every series the traffic made is in Prometheus once a scrape after it has landed.
    await m.prom.waitForScrapeAfter('spire_server_started', Date.now() / 1000, () => m!.server.log());
  });
  after(async () => {
    await m?.stop();
  });

  it('is a Grafana dashboard with the Prometheus datasource and instance variables', () => {
    assert.ok(dashboard.schemaVersion >= 39);
    const vars = new Map(dashboard.templating.list.map((v) => [v.name, v.type]));
    assert.equal(vars.get('DS_PROMETHEUS'), 'datasource');
    assert.equal(vars.get('instance'), 'query');
    assert.deepEqual([...new Set(panels.map((p) => p.row))], ['Overview', 'API', 'CA & keys', 'Datastore', 'Entry cache', 'Federation', 'Runtime']);
    for (const p of panels) assert.ok(p.targets.length > 0, `${p.title} has targets`);
  });

  it('the core panels show data', async () => {
    const { prom, server } = m!;
    for (const title of CORE_PANELS) {
      const p: DashboardPanel | undefined = panels.find((x) => x.title === title);
      assert.ok(p, `the dashboard has a panel "${title}"`);
      // One target with samples is enough (a panel may also draw series this run does not make).
      const any = p.targets.map((t) => `(${expandVariables(t.expr, VARS)})`).join(' or ');
      await prom.queryUntil(any, () => `panel ${title}; server said:\n${server.log()}`);
    }
  });

  it('every target is valid PromQL and names only series the server emits', async () => {
    const { prom } = m!;
    const seen = await prom.queryUntil('group by (__name__) ({__name__=~"spire_server_.+"})');
    const emitted = new Set(seen.map((s) => s.metric.__name__!));
    for (const p of panels) {
      for (const t of p.targets) {
        const expr = expandVariables(t.expr, VARS);
        const answer = await prom.query(expr);
        assert.equal(answer.status, 'success', `${p.title} ${t.refId}: ${expr}\n${answer.error ?? ''}`);
        for (const name of metricNames(t.expr)) {
          assert.ok(emitted.has(name) || name in NOT_EXERCISED, `${p.title} ${t.refId} reads ${name}, which the server did not emit`);
        }
      }
    }
  });
});
