import { useEffect, useState } from 'preact/hooks';
import { rpc } from '../api';
import type { Entry } from '../api-types';
import { formatUnix } from '../lib/duration';
import { formFromEntry, ttlText } from '../lib/entry-form';
import { idString } from '../lib/ids';
import { ErrorAlert, Notice } from '../ui/alert';
import { ConfirmDialog } from '../ui/dialog';
import { Fact } from '../ui/field';
import { useAction } from '../ui/use-action';
import { EntryFormView } from './entry-form-view';

function list(items: readonly string[]) {
  return items.length === 0 ? <span class="muted">none</span> : (
    <ul class="plain">
      {items.map((s, i) => (
        <li key={i}>{s}</li>
      ))}
    </ul>
  );
}

/** One entry (`#/entries/<id>`): show, update and delete. */
export function EntryPage({ id }: { id: string }) {
  const [entry, setEntry] = useState<Entry | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState('');
  const [deleted, setDeleted] = useState(false);
  const load = useAction();
  const del = useAction();
  useEffect(() => {
    setEntry(null);
    setEditing(false);
    setDeleted(false);
    void load.run(async () => setEntry(await rpc('entry/GetEntry', { id })));
  }, [id]);

  const remove = () =>
    void del.run(async () => {
      const res = await rpc('entry/BatchDeleteEntry', { ids: [id] });
      const r = res.results[0];
      if (r && r.status.code !== 0) throw new Error(r.status.message);
      setDeleted(true);
      setEntry(null);
      setNotice(`Deleted entry ${id}.`);
    });

  return (
    <div data-testid="page-entry">
      <p>
        <a href="#/entries">← All entries</a>
      </p>
      <h1>
        Entry <span class="mono">{id}</span>
      </h1>
      <ErrorAlert message={load.error} />
      <ErrorAlert message={del.error} />
      <Notice>{notice}</Notice>
      {deleted && (
        <p>
          <a href="#/entries">Back to the entries</a>
        </p>
      )}
      {entry && !editing && (
        <section class="card" aria-label="Entry details">
          <dl class="facts" data-testid="entry-details">
            <Fact term="SPIFFE ID">{idString(entry.spiffe_id)}</Fact>
            <Fact term="Parent ID">{idString(entry.parent_id)}</Fact>
            <Fact term="Selectors">{list(entry.selectors.map((s) => `${s.type}:${s.value}`))}</Fact>
            <Fact term="X.509-SVID TTL">{ttlText(entry.x509_svid_ttl)}</Fact>
            <Fact term="JWT-SVID TTL">{ttlText(entry.jwt_svid_ttl)}</Fact>
            <Fact term="Federates with">{list(entry.federates_with)}</Fact>
            <Fact term="DNS names">{list(entry.dns_names)}</Fact>
            <Fact term="Hint">{entry.hint}</Fact>
            <Fact term="Admin">{entry.admin ? 'yes' : 'no'}</Fact>
            <Fact term="Downstream">{entry.downstream ? 'yes' : 'no'}</Fact>
            <Fact term="Store SVID">{entry.store_svid ? 'yes' : 'no'}</Fact>
            <Fact term="Expires at">{formatUnix(entry.expires_at) || 'never'}</Fact>
            <Fact term="Created at">{formatUnix(entry.created_at)}</Fact>
            <Fact term="Revision">{entry.revision_number ?? ''}</Fact>
          </dl>
          <div class="actions">
            <button type="button" class="primary" data-testid="entry-edit" onClick={() => { setNotice(''); setEditing(true); }}>
              Edit
            </button>
            <button type="button" class="danger" data-testid="entry-delete" disabled={del.busy} onClick={() => setConfirming(true)}>
              Delete
            </button>
          </div>
        </section>
      )}
      {entry && editing && (
        <section class="card">
          <h2 id="edit-h">Edit entry</h2>
          <EntryFormView
            initial={formFromEntry(entry)}
            mode="update"
            onCancel={() => setEditing(false)}
            onSaved={(e) => {
              setEntry(e);
              setEditing(false);
              setNotice('Entry updated.');
            }}
          />
        </section>
      )}
      {confirming && entry && (
        <ConfirmDialog title="Delete this entry?" confirmLabel="Delete entry" danger onConfirm={remove} onClose={() => setConfirming(false)}>
          <p>
            Entry <span class="mono">{entry.id}</span> for {idString(entry.spiffe_id)} will be deleted. Workloads matching it lose this identity.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
