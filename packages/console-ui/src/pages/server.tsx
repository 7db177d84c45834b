import { useEffect, useState } from 'preact/hooks';
import { getMetrics, getServer, rpc } from '../api';
import type { LogLevel, Logger, Metrics, ServerInfo } from '../api-types';
import { formatIso, formatSeconds } from '../lib/duration';
import { ErrorAlert, Notice } from '../ui/alert';
import { LineChart } from '../ui/chart';
import { Fact, SelectField } from '../ui/field';
import { useAction } from '../ui/use-action';

const LEVELS: readonly (readonly [LogLevel, string])[] = (['PANIC', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] as const).map((l) => [l, l.toLowerCase()] as const);
const REFRESH_MS = 10_000;

function Health({ ok, name }: { ok: boolean; name: string }) {
  return <span class={ok ? 'ok' : 'bad'}>{`${name}: ${ok ? 'yes' : 'no'}`}</span>;
}

function LogLevelCard() {
  const [logger, setLogger] = useState<Logger | null>(null);
  const [level, setLevel] = useState<LogLevel>('INFO');
  const [done, setDone] = useState('');
  const act = useAction();
  useEffect(() => {
    void act.run(async () => {
      const l = await rpc('logger/GetLogger', {});
      setLogger(l);
      setLevel(l.current_level);
    });
  }, []);
  const apply = (fn: () => Promise<Logger>, what: string) =>
    act.run(async () => {
      const l = await fn();
      setLogger(l);
      setLevel(l.current_level);
      setDone(`${what}: ${l.current_level.toLowerCase()}`);
    });
  return (
    <section class="card">
      <h2 id="log-h">Log level</h2>
      {logger && (
        <p>
          Current level <strong>{logger.current_level.toLowerCase()}</strong>; launch level {logger.launch_level.toLowerCase()}.
        </p>
      )}
      <form
        class="actions"
        onSubmit={(e) => {
          e.preventDefault();
          void apply(() => rpc('logger/SetLogLevel', { new_level: level }), 'Log level set');
        }}
      >
        <SelectField label="Log level" value={level} onValue={setLevel} options={LEVELS} />
        <button type="submit" class="primary" disabled={act.busy} data-testid="log-level-set">
          Set level
        </button>
        <button type="button" disabled={act.busy} onClick={() => void apply(() => rpc('logger/ResetLogLevel', {}), 'Log level reset to the launch level')}>
          Reset to launch level
        </button>
      </form>
      <ErrorAlert message={act.error} />
      <Notice>{done}</Notice>
    </section>
  );
}

/** Health, version, uptime, counts, metrics charts and the log level. */
export function ServerPage() {
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const act = useAction();
  useEffect(() => {
    const load = () => void act.run(async () => {
      const [i, m] = await Promise.all([getServer(), getMetrics()]);
      setInfo(i);
      setMetrics(m);
    });
    load();
    const t = setInterval(load, REFRESH_MS);
    return () => clearInterval(t);
  }, []);
  const samples = metrics?.samples ?? [];
  const unit = `per ${metrics?.intervalSeconds ?? 10} s`;
  return (
    <div data-testid="page-server">
      <h1>Server</h1>
      <ErrorAlert message={act.error} />
      {info && (
        <section class="card">
          <h2 id="srv-h">Status</h2>
          <dl class="facts">
            <Fact term="Trust domain">{info.trustDomain}</Fact>
            <Fact term="Version">{info.version}</Fact>
            <Fact term="Started">{formatIso(info.startedAt)}</Fact>
            <Fact term="Uptime">{formatSeconds(info.uptimeSeconds)}</Fact>
            <Fact term="Health">
              <Health name="live" ok={info.health.live} /> · <Health name="ready" ok={info.health.ready} />
            </Fact>
            <Fact term="Entries">{info.counts.entries}</Fact>
            <Fact term="Agents">{info.counts.agents}</Fact>
            <Fact term="Federated bundles">{info.counts.federatedBundles}</Fact>
          </dl>
        </section>
      )}
      <section class="card">
        <h2 id="met-h">Activity</h2>
        <p class="muted">
          {samples.length} samples of {metrics?.intervalSeconds ?? 10} s; refreshed every {REFRESH_MS / 1000} s.
        </p>
        <div class="charts">
          <LineChart
            title="SVIDs issued"
            unit={unit}
            series={[
              { name: 'X.509-SVIDs', values: samples.map((s) => s.x509Svids) },
              { name: 'JWT-SVIDs', values: samples.map((s) => s.jwtSvids) },
            ]}
          />
          <LineChart title="RPC errors" unit={unit} series={[{ name: 'RPC errors', values: samples.map((s) => s.rpcErrors) }]} />
        </div>
      </section>
      <LogLevelCard />
    </div>
  );
}
