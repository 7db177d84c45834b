/**
 * One "server process" of the two-writers test: opens its own store on the shared database and
 * races the other process on the same records. Reads its job from argv[2] (JSON), prints a JSON
 * summary on stdout.
 */
import { silentLogger, SpireError } from '@spire-ts/core/plugin';
import { openSqlStore } from '../open.js';
import { mustParse } from './targets.js';

interface Job {
  pluginData: Record<string, unknown>;
  name: string;
  entryId: string;
  trustDomainId: string;
  updates: number;
  similar: { spiffeId: string; parentId: string; value: string }[];
  tokens: string[];
}

const job = JSON.parse(process.argv[2]!) as Job;
const ds = await openSqlStore(mustParse(job.pluginData), silentLogger());
let created = 0;
let consumed = 0;
const errors: string[] = [];
const similarWork = (async () => {
  for (const s of job.similar) {
    try {
      await ds.createRegistrationEntry({
        entryId: '',
        spiffeId: s.spiffeId,
        parentId: s.parentId,
        selectors: [{ type: 'race', value: s.value }],
        x509SvidTtl: 0,
        jwtSvidTtl: 0,
        federatesWith: [],
        dnsNames: [],
        admin: false,
        downstream: false,
        entryExpiry: 0,
        storeSvid: false,
        hint: job.name,
        createdAt: 0,
        revisionNumber: 0,
      });
      created++;
    } catch (err) {
      if (!(err instanceof SpireError) || err.code !== 6) errors.push(String(err));
    }
  }
})();
const updateWork = (async () => {
  const base = (await ds.fetchRegistrationEntry(job.entryId))!;
  for (let i = 0; i < job.updates; i++) {
    await ds.updateRegistrationEntry({ ...base, hint: `${job.name}-${i}` }, { hint: true });
    await ds.appendBundle({
      trustDomainId: job.trustDomainId,
      rootCas: [],
      jwtSigningKeys: [{ pkixBytes: new Uint8Array([i]), kid: `${job.name}-${i}`, notAfter: 0, taintedKey: false }],
      refreshHint: 0,
      sequenceNumber: 0,
    });
  }
})();
const tokenWork = (async () => {
  for (const t of job.tokens) if (await ds.consumeJoinToken(t)) consumed++;
})();
await Promise.all([similarWork, updateWork, tokenWork]);
await ds.close();
process.stdout.write(JSON.stringify({ created, consumed, errors }));
