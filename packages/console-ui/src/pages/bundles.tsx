import { useEffect, useRef, useState } from 'preact/hooks';
import { getLocalBundle, localBundleUrl, rpc, setFederatedBundle } from '../api';
import type { Bundle, BundleFormat, DeleteMode } from '../api-types';
import { firstPage, nextPage, prevPage, type PageState } from '../lib/paging';
import { ErrorAlert, Notice } from '../ui/alert';
import { ConfirmDialog } from '../ui/dialog';
import { SelectField, TextField } from '../ui/field';
import { Pager } from '../ui/pager';
import { useAction } from '../ui/use-action';
import { usePagedList } from '../ui/use-paged-list';

const FORMATS = [
  ['pem', 'PEM'],
  ['spiffe', 'SPIFFE bundle (JSON)'],
] as const;
const MODES = [
  ['RESTRICT', 'restrict (refuse while entries federate with it)'],
  ['DELETE', 'delete (also delete those entries)'],
  ['DISSOCIATE', 'dissociate (remove it from those entries)'],
] as const;

function LocalBundle() {
  const [format, setFormat] = useState<BundleFormat>('pem');
  const [text, setText] = useState('');
  const act = useAction();
  useEffect(() => {
    setText('');
    void act.run(async () => setText(await getLocalBundle(format)));
  }, [format]);
  return (
    <section class="card">
      <h2 id="local-h">Local bundle</h2>
      <div class="actions">
        <SelectField label="Format" value={format} onValue={setFormat} options={FORMATS} />
        <a class="button" href={localBundleUrl('pem', true)} download="bundle.pem" data-testid="bundle-download-pem">
          Download PEM
        </a>
        <a class="button" href={localBundleUrl('spiffe', true)} download="bundle.json" data-testid="bundle-download-spiffe">
          Download SPIFFE bundle
        </a>
      </div>
      <ErrorAlert message={act.error} />
      <pre data-testid="local-bundle" aria-label={`Local bundle, ${format}`} tabIndex={0}>
        {text}
      </pre>
    </section>
  );
}

function SetForm({ onDone }: { onDone: (td: string) => void }) {
  const [id, setId] = useState('');
  const [format, setFormat] = useState<BundleFormat>('pem');
  const [bundle, setBundle] = useState('');
  const fileRef = useRef<HTMLInputElement>(null);
  const act = useAction();
  return (
    <form
      class="card"
      aria-label="Set a federated bundle"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void act.run(async () => {
          const file = fileRef.current?.files?.[0];
          const text = bundle.trim() === '' && file ? await file.text() : bundle;
          const res = await setFederatedBundle({ id: id.trim(), format, bundle: text });
          setBundle('');
          if (fileRef.current) fileRef.current.value = '';
          onDone(res.trustDomain);
        });
      }}
    >
      <h2>Set a federated bundle</h2>
      <div class="grid">
        <TextField label="Trust domain ID" value={id} onValue={setId} placeholder="spiffe://other.org" />
        <SelectField label="Bundle format" value={format} onValue={setFormat} options={FORMATS} />
      </div>
      <TextField label="Bundle" value={bundle} onValue={setBundle} multiline help="Paste the bundle, or choose a file below." />
      <div class="actions">
        <label for="bundle-file">Bundle file</label>
        <input id="bundle-file" type="file" ref={fileRef} />
        <button type="submit" class="primary" data-testid="bundle-set" disabled={act.busy}>
          Set bundle
        </button>
      </div>
      <ErrorAlert message={act.error} />
    </form>
  );
}

/** The local bundle (PEM, SPIFFE, downloads) and the federated bundles (list, set, delete). */
export function BundlesPage() {
  const [page, setPage] = useState<PageState>(firstPage);
  const [reload, setReload] = useState(0);
  const [deleting, setDeleting] = useState('');
  const [mode, setMode] = useState<DeleteMode>('RESTRICT');
  const [notice, setNotice] = useState('');
  const act = useAction();
  const { items: bundles, list } = usePagedList<Bundle>(
    page,
    setPage,
    async (page_token) => {
      const res = await rpc('bundle/ListFederatedBundles', { page_size: 50, page_token });
      return { items: res.bundles, next: res.next_page_token };
    },
    [reload],
  );
  const remove = (td: string) =>
    void act.run(async () => {
      const res = await rpc('bundle/BatchDeleteFederatedBundle', { trust_domains: [td], mode });
      const r = res.results[0];
      if (r && r.status.code !== 0) throw new Error(r.status.message);
      setNotice(`Deleted the bundle of ${td}.`);
      setReload((n) => n + 1);
    });
  return (
    <div data-testid="page-bundles">
      <h1>Bundles</h1>
      <LocalBundle />
      <section class="card">
        <h2 id="fed-h">Federated bundles</h2>
        <Notice>{notice}</Notice>
        <ErrorAlert message={act.error} />
        <ErrorAlert message={list.error} />
        <table aria-busy={list.busy}>
          <thead>
            <tr>
              <th scope="col">Trust domain</th>
              <th scope="col">X.509 authorities</th>
              <th scope="col">JWT keys</th>
              <th scope="col">Sequence number</th>
              <th scope="col">Refresh hint</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {bundles.map((b) => (
              <tr key={b.trust_domain} data-testid="bundle-row">
                <td class="wrap">{b.trust_domain}</td>
                <td>{b.x509_authorities.length}</td>
                <td>{b.jwt_authorities.length}</td>
                <td>{b.sequence_number}</td>
                <td>{`${b.refresh_hint}s`}</td>
                <td>
                  <button type="button" class="danger" data-testid="bundle-delete" aria-label={`Delete the bundle of ${b.trust_domain}`} onClick={() => setDeleting(b.trust_domain)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!list.busy && bundles.length === 0 && <p class="muted">No federated bundles.</p>}
        <Pager state={page} busy={list.busy} label="Federated bundles" onPrev={() => setPage(prevPage)} onNext={() => setPage(nextPage)} />
      </section>
      <SetForm
        onDone={(td) => {
          setNotice(`Set the bundle of ${td}.`);
          setReload((n) => n + 1);
        }}
      />
      {deleting && (
        <ConfirmDialog title="Delete this federated bundle?" confirmLabel="Delete bundle" danger onConfirm={() => remove(deleting)} onClose={() => setDeleting('')}>
          <p>
            The bundle of <span class="mono">{deleting}</span> will be deleted.
          </p>
          <SelectField label="Entries that federate with it" value={mode} onValue={setMode} options={MODES} />
        </ConfirmDialog>
      )}
    </div>
  );
}
