/**
 * Server-side paging state: the token of every page seen so far, so that "previous" can go back
 * without the server keeping anything. Pure values; each function returns a new state.
 */
export interface PageState {
  /** tokens[i] is the page_token that fetched page i ('' for the first page). */
  readonly tokens: readonly string[];
  /** The page shown (0-based). */
  readonly index: number;
  /** next_page_token of the page shown ('' when it is the last page). */
  readonly next: string;
}

/** The state before the first page is fetched. */
export function firstPage(): PageState {
  return { tokens: [''], index: 0, next: '' };
}

/** The page_token to send for the page shown. */
export function currentToken(s: PageState): string {
  return s.tokens[s.index] ?? '';
}

/** Records the next_page_token the server answered for the page shown. */
export function withNextToken(s: PageState, next: string): PageState {
  return { ...s, next };
}

/** Whether there is a following page (the server sent a non-empty next_page_token). */
export function hasNext(s: PageState): boolean {
  return s.next !== '';
}

/** Whether there is a previous page. */
export function hasPrev(s: PageState): boolean {
  return s.index > 0;
}

/** Moves to the following page; unchanged when there is none. */
export function nextPage(s: PageState): PageState {
  if (!hasNext(s)) return s;
  const tokens = [...s.tokens.slice(0, s.index + 1), s.next];
  return { tokens, index: s.index + 1, next: '' };
}

/** Moves to the previous page; unchanged on the first page. */
export function prevPage(s: PageState): PageState {
  if (!hasPrev(s)) return s;
  return { tokens: s.tokens.slice(0, s.index), index: s.index - 1, next: '' };
}
