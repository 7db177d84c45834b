import { useState } from 'preact/hooks';
import { purgeAgents, rpc } from '../api';
import type { Agent, AgentFilter, PurgeResponse } from '../api-types';
import { formatUnix } from '../lib/duration';
import { agentFilter, emptyAgentFilter, type AgentFilterForm, type Tri } from '../lib/filters';
import { idProto, idString } from '../lib/ids';
import { firstPage, nextPage, prevPage, type PageState } from '../lib/paging';
import { ErrorAlert, Notice } from '../ui/alert';
import { ConfirmDialog } from '../ui/dialog';
import { CheckField, MATCH_OPTIONS, SelectField, TextField, TRI_OPTIONS } from '../ui/field';
import { Pager } from '../ui/pager';
import { useAction } from '../ui/use-action';
import { useCount, usePagedList } from '../ui/use-paged-list';

/** Agents per page. */
export const AGENT_PAGE_SIZE = 50;

type Pending = { kind: 'ban' | 'evict'; id: string } | null;

function FilterForm({ onApply }: { onApply: (f: AgentFilterForm) => void }) {
  const [f, setF] = useState(emptyAgentFilter);
  const set = <K extends keyof AgentFilterForm>(k: K) => (v: AgentFilterForm[K]) => setF((o) => ({ ...o, [k]: v }));
  return (
    <form
      aria-label="Filter agents"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(f);
      }}
    >
      <div class="grid">
        <TextField label="Filter by attestation type" value={f.attestationType} onValue={set('attestationType')} placeholder="join_token" />
        <TextField label="Filter by selectors" value={f.selectors} onValue={set('selectors')} multiline help="One type:value per line." />
        <SelectField label="Selector match" value={f.selectorMatch} onValue={set('selectorMatch')} options={MATCH_OPTIONS} />
        <SelectField<Tri> label="Filter by banned" value={f.banned} onValue={set('banned')} options={TRI_OPTIONS} />
        <SelectField<Tri> label="Filter by can re-attest" value={f.canReattest} onValue={set('canReattest')} options={TRI_OPTIONS} />
        <TextField label="Filter by expires before" type="datetime-local" value={f.expiresBefore} onValue={set('expiresBefore')} help="Local time." />
        <CheckField label="Expired only" checked={f.expired} onValue={set('expired')} />
      </div>
      <div class="actions">
        <button type="submit" class="primary" data-testid="filter-apply">
          Apply filters
        </button>
      </div>
    </form>
  );
}

function Purge({ onDone }: { onDone: () => void }) {
  const [expiredFor, setExpiredFor] = useState('720h');
  const [dryRun, setDryRun] = useState(true);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<PurgeResponse | null>(null);
  const act = useAction();
  const purge = () =>
    void act.run(async () => {
      setResult(await purgeAgents({ expiredFor, dryRun }));
      if (!dryRun) onDone();
    });
  return (
    <section class="card">
      <h2 id="purge-h">Purge expired agents</h2>
      <form
        class="actions"
        onSubmit={(e) => {
          e.preventDefault();
          if (dryRun) purge();
          else setConfirming(true);
        }}
      >
        <TextField label="Expired for" value={expiredFor} onValue={setExpiredFor} help="A duration such as 720h." />
        <CheckField label="Dry run" checked={dryRun} onValue={setDryRun} />
        <button type="submit" class={dryRun ? 'primary' : 'danger primary'} data-testid="agent-purge" disabled={act.busy}>
          {dryRun ? 'List agents to purge' : 'Purge'}
        </button>
      </form>
      <ErrorAlert message={act.error} />
      {result && (
        <div aria-live="polite">
          <p>
            {dryRun ? 'Would purge' : 'Purged'} {result.purged.length} agents{result.failed.length ? `; ${result.failed.length} failed` : ''}.
          </p>
          <ul>
            {result.purged.map((id) => (
              <li key={id} class="mono">
                {id}
              </li>
            ))}
            {result.failed.map((f) => (
              <li key={f.id} class="bad">
                {`${f.id}: ${f.message}`}
              </li>
            ))}
          </ul>
        </div>
      )}
      {confirming && (
        <ConfirmDialog title="Purge expired agents?" confirmLabel="Purge" danger onConfirm={purge} onClose={() => setConfirming(false)}>
          <p>Every agent whose SVID expired more than {expiredFor} ago will be deleted.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function AgentRow({ a, onAct }: { a: Agent; onAct: (p: Pending) => void }) {
  const [open, setOpen] = useState(false);
  const id = idString(a.id);
  return (
    <>
      <tr data-testid="agent-row">
        <td class="wrap">{id}</td>
        <td>{a.attestation_type}</td>
        <td>{formatUnix(a.x509svid_expires_at)}</td>
        <td>
          {a.banned && <span class="badge bad">banned</span>} {a.can_reattest && <span class="badge">can re-attest</span>}
        </td>
        <td>
          <div class="actions">
            <button type="button" aria-expanded={open} aria-label={`Show ${id}`} onClick={() => setOpen(!open)}>
              {open ? 'Hide' : 'Show'}
            </button>
            <button type="button" class="danger" data-testid="agent-ban" disabled={a.banned} aria-label={`Ban ${id}`} onClick={() => onAct({ kind: 'ban', id })}>
              Ban
            </button>
            <button type="button" class="danger" data-testid="agent-evict" aria-label={`Evict ${id}`} onClick={() => onAct({ kind: 'evict', id })}>
              Evict
            </button>
          </div>
        </td>
      </tr>
      {open && (
        <tr data-testid="agent-details">
          <td colSpan={5}>
            <dl class="facts">
              <dt>Selectors</dt>
              <dd>
                <ul class="plain">
                  {a.selectors.map((s, i) => (
                    <li key={i}>{`${s.type}:${s.value}`}</li>
                  ))}
                </ul>
              </dd>
              <dt>X509-SVID serial number</dt>
              <dd class="mono">{a.x509svid_serial_number}</dd>
              <dt>Agent version</dt>
              <dd>{a.agent_version}</dd>
            </dl>
          </td>
        </tr>
      )}
    </>
  );
}

/** Agents: paging, filters, count, show, ban, evict and purge. */
export function AgentsPage() {
  const [filter, setFilter] = useState<AgentFilter | undefined>(undefined);
  const [page, setPage] = useState<PageState>(firstPage);
  const [pending, setPending] = useState<Pending>(null);
  const [notice, setNotice] = useState('');
  const [reload, setReload] = useState(0);
  const filterAct = useAction();
  const act = useAction();
  const { items: agents, list } = usePagedList<Agent>(
    page,
    setPage,
    async (page_token) => {
      const res = await rpc('agent/ListAgents', { filter, page_size: AGENT_PAGE_SIZE, page_token });
      return { items: res.agents, next: res.next_page_token };
    },
    [filter, reload],
  );
  const count = useCount(async () => (await rpc('agent/CountAgents', { filter })).count, [filter, reload]);

  const perform = (p: NonNullable<Pending>) =>
    void act.run(async () => {
      await rpc(p.kind === 'ban' ? 'agent/BanAgent' : 'agent/DeleteAgent', { id: idProto(p.id) });
      setNotice(p.kind === 'ban' ? `Banned ${p.id}.` : `Evicted ${p.id}.`);
      setReload((n) => n + 1);
    });

  return (
    <div data-testid="page-agents">
      <h1>Agents</h1>
      <section class="card">
        <h2 id="aflt-h">Filters</h2>
        <FilterForm
          onApply={(f) => {
            filterAct.setError('');
            try {
              setFilter(agentFilter(f));
              setPage(firstPage());
            } catch (err) {
              filterAct.setError((err as Error).message);
            }
          }}
        />
        <ErrorAlert message={filterAct.error} />
      </section>
      <p aria-live="polite">{count === null ? '' : `${count} matching agents`}</p>
      <Notice>{notice}</Notice>
      <ErrorAlert message={act.error} />
      <ErrorAlert message={list.error} />
      <table aria-busy={list.busy}>
        <caption class="sr-only">Agents, page {page.index + 1}</caption>
        <thead>
          <tr>
            <th scope="col">SPIFFE ID</th>
            <th scope="col">Attestation type</th>
            <th scope="col">SVID expires</th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <AgentRow key={idString(a.id)} a={a} onAct={setPending} />
          ))}
        </tbody>
      </table>
      {!list.busy && agents.length === 0 && <p class="muted">No agents match.</p>}
      <Pager state={page} busy={list.busy} label="Agents" onPrev={() => setPage(prevPage)} onNext={() => setPage(nextPage)} />
      <Purge onDone={() => setReload((n) => n + 1)} />
      {pending && (
        <ConfirmDialog
          title={pending.kind === 'ban' ? 'Ban this agent?' : 'Evict this agent?'}
          confirmLabel={pending.kind === 'ban' ? 'Ban agent' : 'Evict agent'}
          danger
          onConfirm={() => perform(pending)}
          onClose={() => setPending(null)}
        >
          <p>
            <span class="mono">{pending.id}</span>{' '}
            {pending.kind === 'ban'
              ? 'is banned: its next call is refused and it cannot attest again until it is evicted.'
              : 'is evicted: its record is deleted and it must attest again.'}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
