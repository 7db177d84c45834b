import type { PageState } from '../lib/paging';
import { hasNext, hasPrev } from '../lib/paging';

/** Previous/next buttons over server-side pages. */
export function Pager(p: { state: PageState; busy: boolean; label: string; onPrev: () => void; onNext: () => void }) {
  return (
    <nav class="actions" aria-label={`${p.label} pages`}>
      <button type="button" data-testid="prev-page" disabled={p.busy || !hasPrev(p.state)} onClick={p.onPrev}>
        Previous page
      </button>
      <span aria-live="polite" data-testid="page-number">Page {p.state.index + 1}</span>
      <button type="button" data-testid="next-page" disabled={p.busy || !hasNext(p.state)} onClick={p.onNext}>
        Next page
      </button>
    </nav>
  );
}
