import { useState } from 'preact/hooks';
import { rpc } from '../api';
import type { Entry } from '../api-types';
import { ENTRY_FORM_MASK, entryFromForm, type EntryForm } from '../lib/entry-form';
import { ErrorAlert } from '../ui/alert';
import { CheckField, TextField } from '../ui/field';
import { useAction } from '../ui/use-action';

/** The first result's entry, or an Error with the API's per-entry message. */
function firstResult(res: { results: { status: { code: number; message: string }; entry?: Entry }[] }): Entry {
  const r = res.results[0];
  if (!r) throw new Error('the server returned no result');
  if (r.status.code !== 0) throw new Error(r.status.message);
  if (!r.entry) throw new Error('the server returned no entry');
  return r.entry;
}

/** The create/update form of an entry; `onSaved` gets the stored entry. */
export function EntryFormView(p: { initial: EntryForm; mode: 'create' | 'update'; onSaved: (e: Entry) => void; onCancel?: () => void }) {
  const [f, setF] = useState<EntryForm>(p.initial);
  const act = useAction();
  const set = <K extends keyof EntryForm>(k: K) => (v: EntryForm[K]) => setF((old) => ({ ...old, [k]: v }));
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const entry = entryFromForm(f);
      const saved =
        p.mode === 'create'
          ? firstResult(await rpc('entry/BatchCreateEntry', { entries: [entry] }))
          : firstResult(await rpc('entry/BatchUpdateEntry', { entries: [{ ...entry, id: p.initial.id }], input_mask: ENTRY_FORM_MASK }));
      p.onSaved(saved);
    });
  };
  return (
    <form onSubmit={submit} aria-label={p.mode === 'create' ? 'New entry' : 'Edit entry'} noValidate>
      <div class="grid">
        <TextField label="SPIFFE ID" value={f.spiffeId} onValue={set('spiffeId')} placeholder="spiffe://example.org/workload" required autoFocus={p.mode === 'create'} />
        <TextField label="Parent ID" value={f.parentId} onValue={set('parentId')} placeholder="spiffe://example.org/spire/agent/..." required />
        {p.mode === 'create' && <TextField label="Entry ID" value={f.id} onValue={set('id')} help="Optional; the server assigns one when empty." />}
        <TextField label="Selectors" value={f.selectors} onValue={set('selectors')} multiline help="One type:value per line, e.g. unix:uid:1000" />
        <TextField label="X.509-SVID TTL" value={f.x509SvidTtl} onValue={set('x509SvidTtl')} help="Seconds or a duration such as 1h; empty for the server default." />
        <TextField label="JWT-SVID TTL" value={f.jwtSvidTtl} onValue={set('jwtSvidTtl')} help="Seconds or a duration such as 5m; empty for the server default." />
        <TextField label="Federates with" value={f.federatesWith} onValue={set('federatesWith')} multiline help="Trust domains, one per line." />
        <TextField label="DNS names" value={f.dnsNames} onValue={set('dnsNames')} multiline help="One per line." />
        <TextField label="Hint" value={f.hint} onValue={set('hint')} />
        <TextField label="Expires at" type="datetime-local" value={f.expiresAt} onValue={set('expiresAt')} help="Local time; empty for no expiry." />
        <CheckField label="Admin" checked={f.admin} onValue={set('admin')} />
        <CheckField label="Downstream" checked={f.downstream} onValue={set('downstream')} />
        <CheckField label="Store SVID" checked={f.storeSvid} onValue={set('storeSvid')} />
      </div>
      <ErrorAlert message={act.error} />
      <div class="actions">
        <button type="submit" class="primary" data-testid="entry-save" disabled={act.busy}>
          {p.mode === 'create' ? 'Create entry' : 'Save changes'}
        </button>
        {p.onCancel && (
          <button type="button" onClick={p.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
