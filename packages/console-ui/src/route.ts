import { useEffect, useState } from 'preact/hooks';

/** The pages of the console, by hash route (`#/<name>`). */
export const PAGES = [
  ['server', 'Server'],
  ['entries', 'Entries'],
  ['agents', 'Agents'],
  ['tokens', 'Join tokens'],
  ['bundles', 'Bundles'],
  ['federation', 'Federation'],
  ['ca', 'CA'],
] as const;
export type PageName = (typeof PAGES)[number][0];

/** A parsed hash route: the page and the rest of the path (an entry ID for `#/entries/<id>`). */
export interface Route {
  page: PageName;
  arg: string;
}

/** Parses `location.hash`; unknown routes show the server page. */
export function parseRoute(hash: string): Route {
  const m = /^#\/([a-z]+)(?:\/(.*))?$/.exec(hash);
  const page = PAGES.find(([p]) => p === m?.[1])?.[0] ?? 'server';
  let arg = '';
  try {
    arg = m?.[2] ? decodeURIComponent(m[2]) : '';
  } catch {
    arg = '';
  }
  return { page, arg };
}

/** The hash of an entry's page. */
export function entryHref(id: string): string {
  return `#/entries/${encodeURIComponent(id)}`;
}

/** The current route, updated on hashchange. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    // A hash that changed between the first render and this subscription fired no event we saw.
    on();
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
