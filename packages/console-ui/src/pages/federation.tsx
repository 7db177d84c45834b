import { useState } from 'preact/hooks';
import { getFederationStatus, rpc } from '../api';
import type { FederationRelationship, FederationStatus } from '../api-types';
import { formatIso } from '../lib/duration';
import { firstPage, nextPage, prevPage, type PageState } from '../lib/paging';
import { ErrorAlert, Notice } from '../ui/alert';
import { ConfirmDialog } from '../ui/dialog';
import { SelectField, TextField } from '../ui/field';
import { Pager } from '../ui/pager';
import { useAction } from '../ui/use-action';
import { usePagedList } from '../ui/use-paged-list';

type Profile = 'https_web' | 'https_spiffe';
interface RelForm { trustDomain: string; url: string; profile: Profile; endpointId: string }

const PROFILES = [
  ['https_web', 'https_web (Web PKI)'],
  ['https_spiffe', 'https_spiffe (SPIFFE authentication)'],
] as const;

/** The relationship a form describes (the server checks every value). */
export function relationshipFromForm(f: RelForm): FederationRelationship {
  const r: FederationRelationship = { trust_domain: f.trustDomain.trim(), bundle_endpoint_url: f.url.trim() };
  if (f.profile === 'https_web') r.https_web = {};
  else r.https_spiffe = { endpoint_spiffe_id: f.endpointId.trim() };
  return r;
}

function formFrom(r: FederationRelationship | null): RelForm {
  if (!r) return { trustDomain: '', url: '', profile: 'https_web', endpointId: '' };
  return { trustDomain: r.trust_domain, url: r.bundle_endpoint_url, profile: r.https_spiffe ? 'https_spiffe' : 'https_web', endpointId: r.https_spiffe?.endpoint_spiffe_id ?? '' };
}

function firstFailure(res: { results: { status: { code: number; message: string } }[] }): void {
  const r = res.results[0];
  if (!r) throw new Error('the server returned no result');
  if (r.status.code !== 0) throw new Error(r.status.message);
}

function RelationshipForm({ editing, onDone, onCancel }: { editing: FederationRelationship | null; onDone: (td: string) => void; onCancel: () => void }) {
  const [f, setF] = useState(() => formFrom(editing));
  const act = useAction();
  const set = <K extends keyof RelForm>(k: K) => (v: RelForm[K]) => setF((o) => ({ ...o, [k]: v }));
  return (
    <form
      class="card"
      aria-label={editing ? 'Edit federation relationship' : 'New federation relationship'}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void act.run(async () => {
          const rel = relationshipFromForm(f);
          if (editing) {
            firstFailure(await rpc('trustdomain/BatchUpdateFederationRelationship', {
              federation_relationships: [rel],
              input_mask: { bundle_endpoint_url: true, bundle_endpoint_profile: true, trust_domain_bundle: false },
            }));
          } else {
            firstFailure(await rpc('trustdomain/BatchCreateFederationRelationship', { federation_relationships: [rel] }));
          }
          onDone(rel.trust_domain);
        });
      }}
    >
      <h2>{editing ? `Edit ${editing.trust_domain}` : 'New federation relationship'}</h2>
      <div class="grid">
        {editing ? null : <TextField label="Trust domain" value={f.trustDomain} onValue={set('trustDomain')} placeholder="other.org" />}
        <TextField label="Bundle endpoint URL" value={f.url} onValue={set('url')} placeholder="https://other.org:8443" />
        <SelectField label="Bundle endpoint profile" value={f.profile} onValue={set('profile')} options={PROFILES} />
        {f.profile === 'https_spiffe' && (
          <TextField label="Endpoint SPIFFE ID" value={f.endpointId} onValue={set('endpointId')} placeholder="spiffe://other.org/spire/server" />
        )}
      </div>
      {f.profile === 'https_spiffe' && (
        <p class="muted">The endpoint is authenticated with the trust domain's bundle: set it on the Bundles page first.</p>
      )}
      <ErrorAlert message={act.error} />
      <div class="actions">
        <button type="submit" class="primary" data-testid="federation-save" disabled={act.busy}>
          {editing ? 'Save changes' : 'Create relationship'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function StatusCell({ s }: { s: FederationStatus | undefined }) {
  if (!s) return <span class="muted">not refreshed yet</span>;
  return (
    <dl class="facts" data-testid="federation-status">
      {s.lastAttempt && (<><dt>Last attempt</dt><dd>{formatIso(s.lastAttempt)}</dd></>)}
      {s.lastSuccess && (<><dt>Last success</dt><dd class="ok">{formatIso(s.lastSuccess)}</dd></>)}
      {s.lastError && (<><dt>Last error</dt><dd class="bad">{s.lastError}</dd></>)}
      {s.nextRefresh && (<><dt>Next refresh</dt><dd>{formatIso(s.nextRefresh)}</dd></>)}
    </dl>
  );
}

/** Federation relationships: list, create, update, delete, refresh now and the last refresh result. */
export function FederationPage() {
  const [page, setPage] = useState<PageState>(firstPage);
  const [status, setStatus] = useState<Map<string, FederationStatus>>(new Map());
  const [form, setForm] = useState<{ editing: FederationRelationship | null } | null>(null);
  const [deleting, setDeleting] = useState('');
  const [notice, setNotice] = useState('');
  const [reload, setReload] = useState(0);
  const act = useAction();
  const { items: rels, list } = usePagedList<FederationRelationship>(
    page,
    setPage,
    async (page_token) => {
      const [res, st] = await Promise.all([rpc('trustdomain/ListFederationRelationships', { page_size: 50, page_token }), getFederationStatus()]);
      return { items: res.federation_relationships, next: res.next_page_token, alongside: () => setStatus(new Map(st.map((s) => [s.trustDomain, s]))) };
    },
    [reload],
  );
  const refresh = (td: string) =>
    void act.run(async () => {
      try {
        await rpc('trustdomain/RefreshBundle', { trust_domain: td });
        setNotice(`Refreshed the bundle of ${td}.`);
      } finally {
        // The refresher records failures too: show its status either way.
        setReload((n) => n + 1);
      }
    });
  const remove = (td: string) =>
    void act.run(async () => {
      firstFailure(await rpc('trustdomain/BatchDeleteFederationRelationship', { trust_domains: [td] }));
      setNotice(`Deleted the relationship with ${td}.`);
      setReload((n) => n + 1);
    });
  return (
    <div data-testid="page-federation">
      <h1>Federation</h1>
      <div class="actions">
        <button type="button" class="primary" data-testid="federation-create" onClick={() => setForm({ editing: null })}>
          New relationship
        </button>
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          Reload status
        </button>
      </div>
      {form && (
        <RelationshipForm
          key={form.editing?.trust_domain ?? ''}
          editing={form.editing}
          onCancel={() => setForm(null)}
          onDone={(td) => {
            setForm(null);
            setNotice(`Saved the relationship with ${td}.`);
            setReload((n) => n + 1);
          }}
        />
      )}
      <Notice>{notice}</Notice>
      <ErrorAlert message={act.error} />
      <ErrorAlert message={list.error} />
      <table aria-busy={list.busy}>
        <thead>
          <tr>
            <th scope="col">Trust domain</th>
            <th scope="col">Bundle endpoint</th>
            <th scope="col">Profile</th>
            <th scope="col">Refresh status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rels.map((r) => (
            <tr key={r.trust_domain} data-testid="federation-row">
              <td class="wrap">{r.trust_domain}</td>
              <td class="wrap">{r.bundle_endpoint_url}</td>
              <td class="wrap">{r.https_spiffe ? `https_spiffe (${r.https_spiffe.endpoint_spiffe_id})` : 'https_web'}</td>
              <td>
                <StatusCell s={status.get(r.trust_domain)} />
              </td>
              <td>
                <div class="actions">
                  <button type="button" data-testid="federation-refresh" disabled={act.busy} aria-label={`Refresh the bundle of ${r.trust_domain} now`} onClick={() => refresh(r.trust_domain)}>
                    Refresh now
                  </button>
                  <button type="button" data-testid="federation-edit" aria-label={`Edit ${r.trust_domain}`} onClick={() => setForm({ editing: r })}>
                    Edit
                  </button>
                  <button type="button" class="danger" data-testid="federation-delete" aria-label={`Delete the relationship with ${r.trust_domain}`} onClick={() => setDeleting(r.trust_domain)}>
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!list.busy && rels.length === 0 && <p class="muted">No federation relationships.</p>}
      <Pager state={page} busy={list.busy} label="Relationships" onPrev={() => setPage(prevPage)} onNext={() => setPage(nextPage)} />
      {deleting && (
        <ConfirmDialog title="Delete this federation relationship?" confirmLabel="Delete relationship" danger onConfirm={() => remove(deleting)} onClose={() => setDeleting('')}>
          <p>
            The relationship with <span class="mono">{deleting}</span> will be deleted; its bundle is no longer refreshed.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
