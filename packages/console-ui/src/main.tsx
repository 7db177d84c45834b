import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, loadSession, logout } from './api';
import type { Session } from './api-types';
import { PAGES, useRoute } from './route';
import { ErrorAlert } from './ui/alert';
import { AgentsPage } from './pages/agents';
import { BundlesPage } from './pages/bundles';
import { CaPage } from './pages/ca';
import { EntriesPage } from './pages/entries';
import { EntryPage } from './pages/entry';
import { FederationPage } from './pages/federation';
import { ServerPage } from './pages/server';
import { TokensPage } from './pages/tokens';

function Page({ page, arg }: { page: string; arg: string }) {
  switch (page) {
    case 'entries':
      return arg ? <EntryPage id={arg} /> : <EntriesPage />;
    case 'agents':
      return <AgentsPage />;
    case 'tokens':
      return <TokensPage />;
    case 'bundles':
      return <BundlesPage />;
    case 'federation':
      return <FederationPage />;
    case 'ca':
      return <CaPage />;
    default:
      return <ServerPage />;
  }
}

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState('');
  const route = useRoute();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    loadSession().then(setSession, (err) => setError(errorText(err)));
  }, []);
  // Moving between pages puts focus on the new page's heading region, as a page load would.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [route.page, route.arg]);

  if (!session) {
    return error ? <main><ErrorAlert message={error} /></main> : <p class="loading">Loading the SPIRE console…</p>;
  }
  const current = PAGES.find(([p]) => p === route.page)?.[1] ?? '';
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">SPIRE console</span>
        <nav class="main" aria-label="Pages">
          <ul>
            {PAGES.map(([p, label]) => (
              <li key={p}>
                <a href={`#/${p}`} aria-current={p === route.page ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          Signed in as <span class="mono">{session.user}</span>
        </span>
        <button type="button" onClick={() => logout().finally(() => location.assign('/login'))}>
          Log out
        </button>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} aria-label={current}>
        <Page page={route.page} arg={route.arg} />
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
