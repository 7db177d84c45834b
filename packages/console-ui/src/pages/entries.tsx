import { useEffect, useState } from 'preact/hooks';
import { rpc } from '../api';
import type { Entry, EntryFilter } from '../api-types';
import { emptyEntryForm, ttlText } from '../lib/entry-form';
import { emptyEntryFilter, entryFilter, type EntryFilterForm, type Tri } from '../lib/filters';
import { idString } from '../lib/ids';
import { firstPage, nextPage, prevPage, type PageState } from '../lib/paging';
import { entryHref } from '../route';
import { ErrorAlert, Notice } from '../ui/alert';
import { MATCH_OPTIONS, SelectField, TextField, TRI_OPTIONS } from '../ui/field';
import { Pager } from '../ui/pager';
import { useAction } from '../ui/use-action';
import { useCount, usePagedList } from '../ui/use-paged-list';
import { EntryFormView } from './entry-form-view';
import { EntryImport } from './entry-import';

/** Entries per page. */
export const ENTRY_PAGE_SIZE = 50;

// Kept across visits so that coming back from an entry shows the same filtered page.
let remembered: { form: EntryFilterForm; filter: EntryFilter | undefined; page: PageState } = {
  form: emptyEntryFilter(),
  filter: undefined,
  page: firstPage(),
};

function FilterForm({ initial, onApply }: { initial: EntryFilterForm; onApply: (f: EntryFilterForm) => void }) {
  const [f, setF] = useState(initial);
  const set = <K extends keyof EntryFilterForm>(k: K) => (v: EntryFilterForm[K]) => setF((o) => ({ ...o, [k]: v }));
  return (
    <form
      aria-label="Filter entries"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(f);
      }}
    >
      <div class="grid">
        <TextField label="Filter by SPIFFE ID" value={f.spiffeId} onValue={set('spiffeId')} />
        <TextField label="Filter by parent ID" value={f.parentId} onValue={set('parentId')} />
        <TextField label="Filter by selectors" value={f.selectors} onValue={set('selectors')} multiline help="One type:value per line." />
        <SelectField label="Selector match" value={f.selectorMatch} onValue={set('selectorMatch')} options={MATCH_OPTIONS} />
        <TextField label="Filter by federates with" value={f.federatesWith} onValue={set('federatesWith')} multiline help="Trust domains, one per line." />
        <SelectField label="Federates-with match" value={f.federatesWithMatch} onValue={set('federatesWithMatch')} options={MATCH_OPTIONS} />
        <TextField label="Filter by hint" value={f.hint} onValue={set('hint')} />
        <SelectField<Tri> label="Filter by downstream" value={f.downstream} onValue={set('downstream')} options={TRI_OPTIONS} />
      </div>
      <div class="actions">
        <button type="submit" class="primary" data-testid="filter-apply">
          Apply filters
        </button>
        <button
          type="button"
          onClick={() => {
            setF(emptyEntryFilter());
            onApply(emptyEntryFilter());
          }}
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}

function Flags({ e }: { e: Entry }) {
  const flags = [e.admin && 'admin', e.downstream && 'downstream', e.store_svid && 'store SVID'].filter(Boolean) as string[];
  return (
    <>
      {flags.map((f) => (
        <span key={f} class="badge">
          {f}
        </span>
      ))}
    </>
  );
}

/** The entries list: server-side paging, filters, create and bulk import. */
export function EntriesPage() {
  const [state, setState] = useState(remembered);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState('');
  const [reload, setReload] = useState(0);
  const filterAct = useAction();

  useEffect(() => {
    remembered = state;
  }, [state]);

  const { items: entries, list } = usePagedList<Entry>(
    state.page,
    (update) => setState((s) => ({ ...s, page: update(s.page) })),
    async (page_token) => {
      const res = await rpc('entry/ListEntries', { filter: state.filter, page_size: ENTRY_PAGE_SIZE, page_token });
      return { items: res.entries, next: res.next_page_token };
    },
    [state.filter, reload],
  );
  const count = useCount(async () => (await rpc('entry/CountEntries', { filter: state.filter })).count, [state.filter, reload]);

  const apply = (form: EntryFilterForm) => {
    filterAct.setError('');
    try {
      setState({ form, filter: entryFilter(form), page: firstPage() });
    } catch (err) {
      filterAct.setError((err as Error).message);
    }
  };

  return (
    <div data-testid="page-entries">
      <h1>Entries</h1>
      <section class="card">
        <h2 id="flt-h">Filters</h2>
        <FilterForm initial={state.form} onApply={apply} />
        <ErrorAlert message={filterAct.error} />
      </section>
      <div class="actions">
        <button type="button" class="primary" data-testid="entry-create" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          New entry
        </button>
        <span aria-live="polite">{count === null ? '' : `${count} matching entries`}</span>
      </div>
      {creating && (
        <section class="card">
          <h2 id="new-h">New entry</h2>
          <EntryFormView
            initial={emptyEntryForm()}
            mode="create"
            onCancel={() => setCreating(false)}
            onSaved={(e) => {
              setCreating(false);
              setNotice(`Created entry ${e.id} for ${idString(e.spiffe_id)}.`);
              setReload((n) => n + 1);
            }}
          />
        </section>
      )}
      <Notice>{notice}</Notice>
      <ErrorAlert message={list.error} />
      <table aria-busy={list.busy}>
        <caption class="sr-only">Entries, page {state.page.index + 1}</caption>
        <thead>
          <tr>
            <th scope="col">Entry ID</th>
            <th scope="col">SPIFFE ID</th>
            <th scope="col">Parent ID</th>
            <th scope="col">Selectors</th>
            <th scope="col">X.509-SVID TTL</th>
            <th scope="col">Hint</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="entry-row">
              <td class="mono">
                <a href={entryHref(e.id)}>{e.id}</a>
              </td>
              <td class="wrap">{idString(e.spiffe_id)}</td>
              <td class="wrap">{idString(e.parent_id)}</td>
              <td class="wrap">
                <ul class="plain">
                  {e.selectors.map((s, i) => (
                    <li key={i}>{`${s.type}:${s.value}`}</li>
                  ))}
                </ul>
              </td>
              <td>{ttlText(e.x509_svid_ttl)}</td>
              <td class="wrap">{e.hint}</td>
              <td>
                <Flags e={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!list.busy && entries.length === 0 && <p class="muted">No entries match.</p>}
      <Pager
        state={state.page}
        busy={list.busy}
        label="Entries"
        onPrev={() => setState((s) => ({ ...s, page: prevPage(s.page) }))}
        onNext={() => setState((s) => ({ ...s, page: nextPage(s.page) }))}
      />
      <EntryImport onDone={() => setReload((n) => n + 1)} />
    </div>
  );
}
