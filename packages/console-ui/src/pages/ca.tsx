import { useEffect, useState } from 'preact/hooks';
import { rpc } from '../api';
import type { AuthorityState, AuthorityStates } from '../api-types';
import { formatUnix } from '../lib/duration';
import { ErrorAlert, Notice } from '../ui/alert';
import { ConfirmDialog } from '../ui/dialog';
import { useAction } from '../ui/use-action';

type Kind = 'X509' | 'JWT';
type Verb = 'activate' | 'taint' | 'revoke';
type Slot = 'active' | 'prepared' | 'old';
interface Pending { kind: Kind; verb: Verb | 'prepare'; id: string }

const KIND_NAME: Record<Kind, string> = { X509: 'X.509', JWT: 'JWT' };
const VERB_TEXT: Record<Verb | 'prepare', { label: string; explain: string }> = {
  prepare: { label: 'Prepare', explain: 'A new authority is prepared; it is published in the bundle but not used for signing until it is activated.' },
  activate: { label: 'Activate', explain: 'It becomes the active authority and signs from now on; the current active authority becomes the old one.' },
  taint: { label: 'Taint', explain: 'It is marked tainted: agents and workloads rotate away from SVIDs it signed.' },
  revoke: { label: 'Revoke', explain: 'It is removed from the bundle: SVIDs it signed stop being trusted.' },
};
/** What an operator may do with the authority in each slot (as SPIRE's local authority API allows). */
const SLOT_VERBS: Record<Slot, Verb[]> = { active: [], prepared: ['activate'], old: ['taint', 'revoke'] };

function rpcFor(p: Pending) {
  const req = { authority_id: p.id };
  switch (`${p.verb}:${p.kind}`) {
    case 'prepare:X509': return rpc('localauthority/PrepareX509Authority', {});
    case 'prepare:JWT': return rpc('localauthority/PrepareJWTAuthority', {});
    case 'activate:X509': return rpc('localauthority/ActivateX509Authority', req);
    case 'activate:JWT': return rpc('localauthority/ActivateJWTAuthority', req);
    case 'taint:X509': return rpc('localauthority/TaintX509Authority', req);
    case 'taint:JWT': return rpc('localauthority/TaintJWTAuthority', req);
    case 'revoke:X509': return rpc('localauthority/RevokeX509Authority', req);
    default: return rpc('localauthority/RevokeJWTAuthority', req);
  }
}

function Authorities({ kind, states, onAct, busy }: { kind: Kind; states: AuthorityStates | null; onAct: (p: Pending) => void; busy: boolean }) {
  const rows = (['active', 'prepared', 'old'] as const)
    .map((slot) => [slot, states?.[slot]] as const)
    .filter((r): r is readonly [Slot, AuthorityState] => !!r[1] && r[1].authority_id !== '');
  return (
    <section class="card" data-testid={`ca-${kind.toLowerCase()}`}>
      <h2 id={`ca-${kind}`}>{KIND_NAME[kind]} authorities</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Authority ID</th>
            <th scope="col">Expires</th>
            <th scope="col">Upstream authority subject key ID</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([slot, a]) => (
            <tr key={slot} data-testid="authority-row" data-kind={kind} data-slot={slot}>
              <td>{slot}</td>
              <td class="mono wrap">{a.authority_id}</td>
              <td>{formatUnix(a.expires_at)}</td>
              <td class="mono wrap">{a.upstream_authority_subject_key_id}</td>
              <td>
                <div class="actions">
                  {SLOT_VERBS[slot].map((verb) => (
                    <button
                      key={verb}
                      type="button"
                      class={verb === 'activate' ? 'primary' : 'danger'}
                      data-testid={`authority-${verb}`}
                      disabled={busy}
                      aria-label={`${VERB_TEXT[verb].label} ${KIND_NAME[kind]} authority ${a.authority_id}`}
                      onClick={() => onAct({ kind, verb, id: a.authority_id })}
                    >
                      {VERB_TEXT[verb].label}
                    </button>
                  ))}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {states && rows.length === 0 && <p class="muted">No authorities.</p>}
      <div class="actions">
        <button type="button" data-testid="authority-prepare" data-kind={kind} disabled={busy} onClick={() => onAct({ kind, verb: 'prepare', id: states?.active?.authority_id ?? '' })}>
          Prepare a new {KIND_NAME[kind]} authority
        </button>
      </div>
    </section>
  );
}

/** The X.509 and JWT authorities with prepare, activate, taint and revoke behind confirmations. */
export function CaPage() {
  const [x509, setX509] = useState<AuthorityStates | null>(null);
  const [jwt, setJwt] = useState<AuthorityStates | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState('');
  const [reload, setReload] = useState(0);
  const load = useAction();
  const act = useAction();
  useEffect(() => {
    void load.run(async () => {
      const [x, j] = await Promise.all([rpc('localauthority/GetX509AuthorityState', {}), rpc('localauthority/GetJWTAuthorityState', {})]);
      setX509(x);
      setJwt(j);
    });
  }, [reload]);
  const perform = (p: Pending) =>
    void act.run(async () => {
      const res = (await rpcFor(p)) as Record<string, AuthorityState | undefined>;
      const touched = Object.values(res)[0]?.authority_id ?? p.id;
      const done = { prepare: 'Prepared', activate: 'Activated', taint: 'Tainted', revoke: 'Revoked' }[p.verb];
      setNotice(`${done} ${KIND_NAME[p.kind]} authority ${touched}.`);
      setReload((n) => n + 1);
    });
  const text = pending ? VERB_TEXT[pending.verb] : null;
  return (
    <div data-testid="page-ca">
      <h1>Certificate authority</h1>
      <Notice>{notice}</Notice>
      <ErrorAlert message={load.error} />
      <ErrorAlert message={act.error} />
      <Authorities kind="X509" states={x509} onAct={setPending} busy={act.busy} />
      <Authorities kind="JWT" states={jwt} onAct={setPending} busy={act.busy} />
      {pending && text && (
        <ConfirmDialog
          title={pending.verb === 'prepare' ? `Prepare a new ${KIND_NAME[pending.kind]} authority?` : `${text.label} ${KIND_NAME[pending.kind]} authority ${pending.id}?`}
          confirmLabel={pending.verb === 'prepare' ? 'Prepare' : `${text.label} ${pending.id}`}
          danger={pending.verb === 'taint' || pending.verb === 'revoke'}
          onConfirm={() => perform(pending)}
          onClose={() => setPending(null)}
        >
          {pending.verb === 'prepare' ? (
            pending.id && (
              <p>
                The active authority <span class="mono" data-testid="confirm-authority">{pending.id}</span> stays active until the new one is activated.
              </p>
            )
          ) : (
            <p>
              Authority ID: <span class="mono" data-testid="confirm-authority">{pending.id}</span>
            </p>
          )}
          <p>{text.explain}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
