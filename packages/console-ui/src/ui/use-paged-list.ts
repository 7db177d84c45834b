import { useEffect, useState } from 'preact/hooks';
import { currentToken, withNextToken, type PageState } from '../lib/paging';
import { useAction } from './use-action';

/** One fetched page: its items, the server's next_page_token, and what else to apply with them. */
export interface FetchedPage<T> {
  items: T[];
  next: string;
  /** Applied with the items, and only when they are (an answer that came too late is dropped). */
  alongside?: () => void;
}

/**
 * A server-paged list: fetches the page `page` shows whenever it or `deps` change, keeps the
 * answer of the latest fetch only (one that arrives after a newer fetch began is dropped), and
 * records the page's next token through `setPage`. `list` carries the busy flag and the error.
 */
export function usePagedList<T>(
  page: PageState,
  setPage: (update: (p: PageState) => PageState) => void,
  fetchPage: (pageToken: string) => Promise<FetchedPage<T>>,
  deps: readonly unknown[],
): { items: T[]; list: ReturnType<typeof useAction> } {
  const [items, setItems] = useState<T[]>([]);
  const list = useAction();
  useEffect(() => {
    let stale = false;
    void list.run(async () => {
      const res = await fetchPage(currentToken(page));
      if (stale) return;
      setItems(res.items);
      res.alongside?.();
      setPage((p) => withNextToken(p, res.next));
    });
    return () => {
      stale = true;
    };
  }, [page.index, page.tokens, ...deps]);
  return { items, list };
}

/** A count that follows `deps`: null while it is being fetched, or when fetching it failed. */
export function useCount(count: () => Promise<number>, deps: readonly unknown[]): number | null {
  const [n, setN] = useState<number | null>(null);
  useEffect(() => {
    let stale = false;
    setN(null);
    count().then(
      (c) => !stale && setN(c),
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, deps);
  return n;
}
