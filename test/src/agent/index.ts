export { AgentClient, type AgentClientOptions, type HeldSvid, type SyncStats, type WireEntry } from './agent-client.js';
export { challengedAttestor, payloadAttestor, joinTokenAttestor, k8sPsatAttestor, k8sSatAttestor, x509popAttestor, sshpopAttestor, type AgentAttestor } from './attestors.js';
export { RpcError } from './errors.js';
export { newKey, csrFor, certsPem, type KeyPair } from './keys.js';
export { WorkloadApiServer, type WorkloadApiOptions } from './workload-api.js';
