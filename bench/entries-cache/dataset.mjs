// The synthetic deployment of the entries-cache bench, generated deterministically from its sizes.
//
// - `agents` agents, spiffe://example.org/spire/agent/k8s_psat/<cluster>/node-<i>, spread over
//   `aliases` clusters; each has three node selectors: k8s_psat:cluster:<cluster>,
//   k8s_psat:agent_ns:spire and k8s_psat:agent_node_name:node-<i>.
// - one node alias per cluster: spiffe://example.org/cluster/<cluster>, parented to the server,
//   selectors cluster + agent_ns (so every agent of the cluster matches it).
// - a third of the entries are parented to an alias (the cluster's workloads, seen by every agent
//   of the cluster); the rest are parented to agents, two per agent, and what is left over is
//   nested one level below another agent's workload (a descendant).
// Every entry has two selectors (k8s:ns:ns-<j % 50>, k8s:sa:sa-<j>), a UUID-shaped ID and TTLs.
import { createHash } from 'node:crypto';

export const TD_ID = 'spiffe://example.org';
export const SERVER_ID = `${TD_ID}/spire/server`;

/** Sizes of the dataset. */
export function sizes(agents, entries, aliases) {
  const viaAlias = Math.floor(entries / 3);
  return { agents, entries, aliases, viaAlias, direct: entries - viaAlias - aliases };
}

export const clusterOf = (i, s) => `cluster-${i % s.aliases}`;
export const agentId = (i, s) => `${TD_ID}/spire/agent/k8s_psat/${clusterOf(i, s)}/node-${i}`;
export const agentSelectors = (i, s) => [
  { type: 'k8s_psat', value: `agent_node_name:node-${i}` },
  { type: 'k8s_psat', value: `agent_ns:spire` },
  { type: 'k8s_psat', value: `cluster:${clusterOf(i, s)}` },
];

function uuidLike(j) {
  const h = createHash('sha1').update(`entry-${j}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Calls `fn(entry)` for every entry of the dataset, aliases first, in the order they are stored.
 * `entry` is a RegistrationEntry-shaped object (selectors sorted as the store keeps them).
 */
export function forEachEntry(s, fn) {
  let j = 0;
  const make = (spiffeId, parentId, selectors) => ({
    entryId: uuidLike(j),
    spiffeId,
    parentId,
    selectors,
    x509SvidTtl: 3600,
    jwtSvidTtl: 300,
    federatesWith: [],
    dnsNames: [],
    admin: false,
    downstream: false,
    entryExpiry: 0,
    storeSvid: false,
    hint: '',
    createdAt: 1_700_000_000,
    revisionNumber: 0,
  });
  const wl = (k) => [
    { type: 'k8s', value: `ns:ns-${k % 50}` },
    { type: 'k8s', value: `sa:sa-${k}` },
  ];
  for (let c = 0; c < s.aliases; c++, j++) {
    fn(
      make(`${TD_ID}/cluster/cluster-${c}`, SERVER_ID, [
        { type: 'k8s_psat', value: 'agent_ns:spire' },
        { type: 'k8s_psat', value: `cluster:cluster-${c}` },
      ]),
    );
  }
  for (let k = 0; k < s.viaAlias; k++, j++) {
    fn(make(`${TD_ID}/ns/ns-${k % 50}/sa/cluster-wl-${k}`, `${TD_ID}/cluster/cluster-${k % s.aliases}`, wl(j)));
  }
  for (let k = 0; k < s.direct; k++, j++) {
    const round = Math.floor(k / s.agents);
    const agent = k % s.agents;
    // Two rounds straight under the agents, then nested under the first-round workloads.
    const parent = round < 2 ? agentId(agent, s) : `${TD_ID}/ns/node/agent-${agent}/wl-0`;
    fn(make(`${TD_ID}/ns/node/agent-${agent}/wl-${round}`, parent, wl(j)));
  }
}

/**
 * The store's similarity key (SHA-256 of spiffe ID, parent ID and the sorted selector set, 32 hex
 * digits). The bench checks it against a row the store wrote itself before using it.
 */
export function similarityKey(e) {
  return createHash('sha256')
    .update(JSON.stringify([e.spiffeId, e.parentId, e.selectors.map((x) => [x.type, x.value])]))
    .digest('hex')
    .slice(0, 32);
}
