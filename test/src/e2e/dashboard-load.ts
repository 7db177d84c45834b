// A monitored server for the Grafana dashboard's test and render script: a real `spire-server run`
// with telemetry.Prometheus on, a real Prometheus scraping it, and a round of traffic that moves
// the series the dashboard's panels read.
import { joinTokenAttestor } from '../agent/index.js';
import { ServerProcess, freePort } from './harness.js';
import { PrometheusProcess } from './prometheus-process.js';

/** A server and the Prometheus that scrapes it. `stop` stops both. */
export interface MonitoredServer {
  server: ServerProcess;
  prom: PrometheusProcess;
  stop(): Promise<void>;
}

/** Starts a server (trust domain example.org) with the Prometheus sink on a free port, then Prometheus scraping it. */
export async function startMonitoredServer(): Promise<MonitoredServer> {
  const server = new ServerProcess('example.org');
  const prom = new PrometheusProcess(server.dir);
  const metricsPort = await freePort();
  try {
    await server.start({ logLevel: 'INFO', extraBlocks: `telemetry {\n  Prometheus {\n    host = "127.0.0.1"\n    port = ${metricsPort}\n  }\n}` });
    await prom.start([`127.0.0.1:${metricsPort}`]);
  } catch (err) {
    await prom.stop();
    await server.stop();
    throw err;
  }
  return {
    server,
    prom,
    async stop() {
      await prom.stop();
      await server.stop();
    },
  };
}

/** Runs a CLI command that is expected to fail (a NotFound, an unreachable endpoint); its error is the point. */
function failing(server: ServerProcess, ...args: string[]): void {
  try {
    server.cli(...args);
  } catch {
    // Counted by the server with a status other than OK.
  }
}

/**
 * One round of traffic, numbered `round` so names do not collide: admin calls through the CLI
 * (entry create/show, a failing entry show, bundle show, x509 and jwt mint, a federation
 * relationship and a refresh of it that fails), then an agent that attests with a join token,
 * syncs, signs an X509-SVID and a JWT-SVID for its workload, and renews. Resolves when the round
 * is done; never throws for the calls meant to fail.
 */
export async function driveLoad(server: ServerProcess, round: number): Promise<void> {
  const td = server.td;
  server.cli('entry', 'create', '-parentID', `spiffe://${td}/agent`, '-spiffeID', `spiffe://${td}/cli/${round}`, '-selector', `unix:uid:${round}`);
  server.cli('entry', 'show');
  failing(server, 'entry', 'show', '-entryID', `missing-${round}`);
  server.cli('bundle', 'show');
  server.cli('x509', 'mint', '-spiffeID', `spiffe://${td}/minted/${round}`);
  server.cli('jwt', 'mint', '-spiffeID', `spiffe://${td}/minted/${round}`, '-audience', 'dashboard');
  if (round === 0) {
    server.cli('federation', 'create', '-trustDomain', 'partner.test', '-bundleEndpointURL', 'https://127.0.0.1:1/bundle', '-bundleEndpointProfile', 'https_web');
  }
  failing(server, 'federation', 'refresh', '-id', 'partner.test');

  const agent = await server.agent();
  try {
    const { spiffeId } = await agent.attest(joinTokenAttestor(await server.joinToken()));
    const entryId = await server.createEntry({ spiffeId: `spiffe://${td}/workload/${round}`, parentId: spiffeId, selectors: [{ type: 'unix', value: `uid:${1000 + round}` }] });
    await agent.sync();
    await agent.newX509Svid(entryId);
    await agent.newJwtSvid(entryId, ['dashboard']);
    await agent.renew();
    await agent.sync();
  } finally {
    agent.close();
  }
}
