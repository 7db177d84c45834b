/** The console's server-rendered pages: the login pages and the UI-not-built page. No inline script or style (CSP). */

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`;
}

const HOW_TO = `<p>To log in, run this on the server's host (it needs access to the admin socket):</p>
<pre><code>spire-server console login</code></pre>
<p>and open the link it prints. The link works once and for a few minutes.</p>
<p>Or present a client certificate (an X509-SVID) whose SPIFFE ID is one of the server's <code>admin_ids</code>.</p>`;

/** `GET /login`: how to log in; says the session expired when `expired` is set. */
export function loginPage(expired: boolean): string {
  const lead = expired ? '<p role="alert">Your session expired. Log in again.</p>\n' : '';
  return page('SPIRE Server console: log in', lead + HOW_TO);
}

/** The 401 page of a bad login link. */
export function badLinkPage(): string {
  return page(
    'SPIRE Server console: log in',
    '<p role="alert">This login link is invalid, used or expired. Run <code>spire-server console login</code> for a new one.</p>\n' + HOW_TO,
  );
}

/** The 503 page while the UI's files are missing. */
export function notBuiltPage(dir: string): string {
  const safe = dir.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return page(
    'SPIRE Server console: not built',
    `<p role="alert">The console UI is not built: run <code>npm run build</code> (its files are expected in <code>${safe}</code>).</p>`,
  );
}
