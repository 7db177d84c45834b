import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * The agent side of a node attestation method, as SPIRE's agent plugins put it on the wire: the
 * attestation data (`type`, `payload`) and the answer to each server challenge.
 */
export interface AgentAttestor {
  type: string;
  payload(): Buffer;
  /** Answers one challenge (at once or later); join_token never gets one. */
  respond(challenge: Buffer): Buffer | Promise<Buffer>;
}

/** join_token: the payload is the token. */
export function joinTokenAttestor(token: string): AgentAttestor {
  return {
    type: 'join_token',
    payload: () => Buffer.from(token),
    respond: () => {
      throw new Error('join_token is never challenged');
    },
  };
}

/**
 * x509pop: the payload is `{"certificates":[leaf, intermediates…]}` (DER, base64); the answer signs
 * SHA-256(server nonce ‖ agent nonce) with the leaf's key (ECDSA r,s or RSA-PSS), as SPIRE's agent.
 */
export function x509popAttestor(chain: Buffer[], key: KeyObject): AgentAttestor {
  return {
    type: 'x509pop',
    payload: () => Buffer.from(JSON.stringify({ certificates: chain.map((c) => c.toString('base64')) })),
    respond: (challenge) => {
      const c = JSON.parse(challenge.toString('utf8')) as { rsa_signature: { nonce: string } | null; ecdsa_signature: { nonce: string } | null };
      const nonce = randomBytes(32);
      if (c.ecdsa_signature) {
        const data = Buffer.concat([Buffer.from(c.ecdsa_signature.nonce, 'base64'), nonce]);
        const sig = sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
        const half = sig.length / 2;
        return Buffer.from(
          JSON.stringify({ rsa_signature: null, ecdsa_signature: { nonce: nonce.toString('base64'), r: sig.subarray(0, half).toString('base64'), s: sig.subarray(half).toString('base64') } }),
        );
      }
      if (!c.rsa_signature) throw new Error('x509pop challenge has neither an RSA nor an ECDSA part');
      const data = Buffer.concat([Buffer.from(c.rsa_signature.nonce, 'base64'), nonce]);
      const signature = sign('sha256', data, { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 });
      return Buffer.from(JSON.stringify({ rsa_signature: { nonce: nonce.toString('base64'), signature: signature.toString('base64') }, ecdsa_signature: null }));
    },
  };
}

/**
 * sshpop with an ed25519 host key: the payload is `{"Certificate": <host certificate blob>}`; the
 * answer is `{"Nonce", "Signature": {"Format","Blob"}}` over SHA-256(server nonce ‖ agent nonce).
 */
export function sshpopAttestor(hostCertBlob: Buffer, hostKey: KeyObject): AgentAttestor {
  return {
    type: 'sshpop',
    payload: () => Buffer.from(JSON.stringify({ Certificate: hostCertBlob.toString('base64') })),
    respond: (challenge) => {
      const c = JSON.parse(challenge.toString('utf8')) as { Nonce: string };
      const nonce = randomBytes(32);
      const toSign = createHash('sha256').update(Buffer.from(c.Nonce, 'base64')).update(nonce).digest();
      const blob = sign(null, toSign, hostKey);
      return Buffer.from(JSON.stringify({ Nonce: nonce.toString('base64'), Signature: { Format: 'ssh-ed25519', Blob: blob.toString('base64') } }));
    },
  };
}

/**
 * k8s_psat: the payload is `{"cluster": <name>, "token": <projected service account token>}`, as
 * SPIRE's agent sends the token it reads from its projected volume. It is never challenged.
 */
export function k8sPsatAttestor(cluster: string, token: string): AgentAttestor {
  return {
    type: 'k8s_psat',
    payload: () => Buffer.from(JSON.stringify({ cluster, token })),
    respond: () => {
      throw new Error('k8s_psat is never challenged');
    },
  };
}

/** k8s_sat (SPIRE v1.11's): the payload is `{"cluster": <name>, "token": <service account token>}`. */
export function k8sSatAttestor(cluster: string, token: string): AgentAttestor {
  return {
    type: 'k8s_sat',
    payload: () => Buffer.from(JSON.stringify({ cluster, token })),
    respond: () => {
      throw new Error('k8s_sat is never challenged');
    },
  };
}

/**
 * An attestor whose agent sends one payload and is never challenged (aws_iid: the identity
 * document, signature and PKCS#7; gcp_iit: the identity token; azure_msi: `{"token"}`).
 */
export function payloadAttestor(type: string, payload: Uint8Array): AgentAttestor {
  return {
    type,
    payload: () => Buffer.from(payload),
    respond: () => {
      throw new Error(`${type} is never challenged`);
    },
  };
}

/**
 * An attestor that opens with a fixed payload and answers the server's challenge (azure_imds:
 * SPIRE's agent opens with the bytes `non_empty_payload`, then answers the nonce).
 */
export function challengedAttestor(type: string, opening: Uint8Array, answer: (challenge: Buffer) => Promise<Uint8Array>): AgentAttestor {
  return { type, payload: () => Buffer.from(opening), respond: async (c) => Buffer.from(await answer(c)) };
}
