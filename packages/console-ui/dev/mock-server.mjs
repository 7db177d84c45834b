// Dev only (not used by tests): serves dist/ and an in-memory fake of /api/v1 over plain HTTP,
// with the console's CSP, to try the UI without a SPIRE server.
//   node build.mjs && node dev/mock-server.mjs [port]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { assetsDir } from '../index.js';

const port = Number(process.argv[2] ?? 8445);
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const csrf = 'dev-csrf';
const td = 'example.org';
const now = () => Math.floor(Date.now() / 1000);
const id = (s) => `spiffe://${s.trust_domain}${s.path}`;

const entries = [];
for (let i = 0; i < 130; i++) {
  entries.push({ id: `e-${String(i).padStart(4, '0')}`, spiffe_id: { trust_domain: td, path: `/w/${i}` }, parent_id: { trust_domain: td, path: '/spire/agent/a1' }, selectors: [{ type: 'unix', value: `uid:${1000 + (i % 5)}` }], x509_svid_ttl: 0, federates_with: [], admin: false, downstream: false, expires_at: '0', dns_names: [], revision_number: '0', store_svid: false, jwt_svid_ttl: 0, hint: i === 3 ? '<img src=x onerror=alert(1)>' : '', created_at: String(now()) });
}
const agents = [{ id: { trust_domain: td, path: '/spire/agent/join_token/abc' }, attestation_type: 'join_token', x509svid_serial_number: '1234', x509svid_expires_at: String(now() + 3600), selectors: [{ type: 'join_token', value: 'abc' }], banned: false, can_reattest: false, agent_version: '1.0.0' }];
const rels = [];
const fedBundles = [];
const auth = { X509: { active: { authority_id: 'x509-a', expires_at: String(now() + 86400), upstream_authority_subject_key_id: '' } }, JWT: { active: { authority_id: 'jwt-a', expires_at: String(now() + 86400), upstream_authority_subject_key_id: '' } } };
let level = 'INFO';
let expired = false;

class Err extends Error { constructor(code, status, msg) { super(msg); this.code = code; this.status = status; } }
const badId = (p) => {
  if (!p || !p.trust_domain) return 'trust domain is missing';
  if (!/^[a-z0-9._-]+$/.test(p.trust_domain)) return 'trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores';
  if (p.path && !/^(\/[A-Za-z0-9._-]+)+$/.test(p.path)) return 'path segment characters are limited to letters, numbers, dots, dashes, and underscores';
  return '';
};
const page = (list, req, key) => {
  const start = Number(req.page_token || 0);
  const size = req.page_size || 50;
  const slice = list.slice(start, start + size);
  return { [key]: slice, next_page_token: start + size < list.length ? String(start + size) : '' };
};
const matchEntry = (e, f = {}) =>
  (!f.by_spiffe_id || id(f.by_spiffe_id) === id(e.spiffe_id)) &&
  (!f.by_parent_id || id(f.by_parent_id) === id(e.parent_id)) &&
  (!f.by_selectors || f.by_selectors.selectors.every((s) => e.selectors.some((x) => x.type === s.type && x.value === s.value))) &&
  (f.by_hint === undefined || e.hint === f.by_hint);
const saveEntry = (e) => {
  const msg = badId(e.spiffe_id) || badId(e.parent_id);
  if (msg) return { status: { code: 3, message: `failed to convert entry: invalid spiffe ID: ${msg}` } };
  if (!e.selectors?.length) return { status: { code: 3, message: 'failed to convert entry: selector list is empty' } };
  return null;
};
const ok = { code: 0, message: 'OK' };

const rpc = {
  'entry/ListEntries': (r) => page(entries.filter((e) => matchEntry(e, r.filter)), r, 'entries'),
  'entry/CountEntries': (r) => ({ count: entries.filter((e) => matchEntry(e, r.filter)).length }),
  'entry/GetEntry': (r) => { const e = entries.find((x) => x.id === r.id); if (!e) throw new Err('NOT_FOUND', 404, 'entry not found'); return e; },
  'entry/BatchCreateEntry': (r) => ({ results: r.entries.map((e) => saveEntry(e) ?? (entries.unshift({ ...e, id: e.id || randomUUID(), expires_at: String(e.expires_at ?? 0), revision_number: '0', created_at: String(now()) }), { status: ok, entry: entries[0] })) }),
  'entry/BatchUpdateEntry': (r) => ({ results: r.entries.map((e) => { const bad = saveEntry(e); if (bad) return bad; const i = entries.findIndex((x) => x.id === e.id); entries[i] = { ...entries[i], ...e, expires_at: String(e.expires_at) }; return { status: ok, entry: entries[i] }; }) }),
  'entry/BatchDeleteEntry': (r) => ({ results: r.ids.map((x) => { const i = entries.findIndex((e) => e.id === x); if (i >= 0) entries.splice(i, 1); return { status: i >= 0 ? ok : { code: 5, message: 'entry not found' }, id: x }; }) }),
  'agent/ListAgents': (r) => page(agents.filter((a) => r.filter?.by_banned === undefined || a.banned === r.filter.by_banned), r, 'agents'),
  'agent/CountAgents': () => ({ count: agents.length }),
  'agent/BanAgent': (r) => { agents.find((a) => id(a.id) === id(r.id)).banned = true; return {}; },
  'agent/DeleteAgent': (r) => { agents.splice(agents.findIndex((a) => id(a.id) === id(r.id)), 1); return {}; },
  'agent/CreateJoinToken': (r) => { if (r.agent_id && badId(r.agent_id)) throw new Err('INVALID_ARGUMENT', 400, `invalid agent ID: ${badId(r.agent_id)}`); return { value: randomUUID(), expires_at: String(now() + r.ttl) }; },
  'bundle/ListFederatedBundles': (r) => page(fedBundles, r, 'bundles'),
  'bundle/BatchDeleteFederatedBundle': (r) => ({ results: r.trust_domains.map((t) => { fedBundles.splice(fedBundles.findIndex((b) => b.trust_domain === t), 1); return { status: ok, trust_domain: t }; }) }),
  'trustdomain/ListFederationRelationships': (r) => page(rels, r, 'federation_relationships'),
  'trustdomain/BatchCreateFederationRelationship': (r) => ({ results: r.federation_relationships.map((x) => { rels.push(x); return { status: ok, federation_relationship: x }; }) }),
  'trustdomain/BatchUpdateFederationRelationship': (r) => ({ results: r.federation_relationships.map((x) => { Object.assign(rels.find((y) => y.trust_domain === x.trust_domain), x); return { status: ok, federation_relationship: x }; }) }),
  'trustdomain/BatchDeleteFederationRelationship': (r) => ({ results: r.trust_domains.map((t) => { rels.splice(rels.findIndex((y) => y.trust_domain === t), 1); return { status: ok, trust_domain: t }; }) }),
  'trustdomain/RefreshBundle': () => ({}),
  'logger/GetLogger': () => ({ current_level: level, launch_level: 'INFO' }),
  'logger/SetLogLevel': (r) => { level = r.new_level; return { current_level: level, launch_level: 'INFO' }; },
  'logger/ResetLogLevel': () => { level = 'INFO'; return { current_level: level, launch_level: 'INFO' }; },
};
for (const k of ['X509', 'JWT']) {
  rpc[`localauthority/Get${k}AuthorityState`] = () => auth[k];
  rpc[`localauthority/Prepare${k}Authority`] = () => { auth[k].prepared = { authority_id: `${k.toLowerCase()}-${randomUUID().slice(0, 8)}`, expires_at: String(now() + 2 * 86400), upstream_authority_subject_key_id: '' }; return { prepared_authority: auth[k].prepared }; };
  rpc[`localauthority/Activate${k}Authority`] = (r) => { const s = auth[k]; if (s.prepared?.authority_id !== r.authority_id) throw new Err('INVALID_ARGUMENT', 400, 'unable to activate: no prepared authority with that ID'); s.old = s.active; s.active = s.prepared; delete s.prepared; return { activated_authority: s.active }; };
  rpc[`localauthority/Taint${k}Authority`] = (r) => ({ tainted_authority: { ...auth[k].old, authority_id: r.authority_id } });
  rpc[`localauthority/Revoke${k}Authority`] = (r) => { const o = auth[k].old; delete auth[k].old; return { revoked_authority: { ...o, authority_id: r.authority_id } }; };
}

const samples = () => Array.from({ length: 60 }, (_, i) => ({ t: new Date(Date.now() - (60 - i) * 10000).toISOString(), x509Svids: Math.round(5 + 4 * Math.sin(i / 5)), jwtSvids: i % 7, rpcErrors: i % 13 === 0 ? 2 : 0 }));

async function api(method, path, body, url) {
  if (path === '/session') return { user: 'link:0123abcd', via: 'login_link', csrfToken: csrf, idleExpiresAt: new Date(Date.now() + 900000).toISOString() };
  if (path === '/logout') return {};
  if (path === '/server') return { version: '1.14.0-dev', trustDomain: td, startedAt: new Date(Date.now() - 7322000).toISOString(), uptimeSeconds: 7322, health: { live: true, ready: true }, counts: { entries: entries.length, agents: agents.length, federatedBundles: fedBundles.length } };
  if (path === '/server/metrics') return { intervalSeconds: 10, samples: samples() };
  if (path === '/bundle/local') return { text: url.searchParams.get('format') === 'spiffe' ? '{\n    "keys": []\n}\n' : '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n' };
  if (path === '/bundle/federated') { const t = String(body.id).replace('spiffe://', ''); fedBundles.push({ trust_domain: t, x509_authorities: [{ asn1: '', tainted: false }], jwt_authorities: [], refresh_hint: '0', sequence_number: '1' }); return { trustDomain: t }; }
  if (path === '/entries/parse') { let j; try { j = JSON.parse(body.data); } catch (e) { throw new Err('INVALID_ARGUMENT', 400, `failed to parse entries: ${e.message}`); } return { entries: (j.entries ?? []).map((e) => ({ ...e, spiffe_id: { trust_domain: td, path: String(e.spiffe_id).replace(`spiffe://${td}`, '') }, parent_id: { trust_domain: td, path: String(e.parent_id).replace(`spiffe://${td}`, '') } })) }; }
  if (path === '/agents/purge') return { purged: [], failed: [] };
  if (path === '/federation/status') return rels.map((r) => ({ trustDomain: r.trust_domain, lastAttempt: new Date().toISOString(), lastError: 'dial tcp: connection refused' }));
  const m = /^\/rpc\/(\w+\/\w+)$/.exec(path);
  if (method === 'POST' && m && rpc[m[1]]) return rpc[m[1]](body ?? {});
  throw new Err('NOT_FOUND', 404, 'no such console method');
}

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  try {
    if (url.pathname === '/login') { res.setHeader('Content-Type', 'text/html'); res.end('<!doctype html><title>login</title><link rel="icon" href="data:,"><p>Run spire-server console login.</p>'); return; }
    if (url.pathname === '/dev/expire') { expired = true; res.end('expired'); return; }
    if (url.pathname.startsWith('/api/v1/') && expired) throw new Err('UNAUTHENTICATED', 401, 'no session');
    if (url.pathname.startsWith('/api/v1/')) {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      if (req.method !== 'GET' && req.headers['x-csrf-token'] !== csrf) throw new Err('PERMISSION_DENIED', 403, 'missing or wrong CSRF token');
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
      const out = await api(req.method, url.pathname.slice(7), body, url);
      if (out && typeof out.text === 'string') { res.setHeader('Content-Type', 'text/plain'); res.end(out.text); return; }
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(out));
      return;
    }
    const file = url.pathname === '/' ? 'index.html' : url.pathname.startsWith('/assets/') ? url.pathname.slice(8) : '';
    if (!/^(index\.html|app\.js|app\.css)$/.test(file)) { res.statusCode = 404; res.end('not found'); return; }
    res.setHeader('Content-Type', { html: 'text/html', js: 'text/javascript', css: 'text/css' }[file.split('.').pop()]);
    res.end(await readFile(new URL(file, `file://${assetsDir}`)));
  } catch (err) {
    res.statusCode = err.status ?? 500;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ error: { code: err.code ?? 'INTERNAL', message: err.message } }));
  }
}).listen(port, '127.0.0.1', () => console.log(`console mock on http://127.0.0.1:${port}/`));
