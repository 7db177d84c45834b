/** What every Vault route reads from a request: its JSON body, token and namespace. */
import { HttpError, type EmulatorRequest } from '@spire-ts/emulator-kit';

/** The JSON object body of a request ({} when empty); 400 as Vault when it does not parse. */
export function jsonBody(req: EmulatorRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(req.body.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, { errors: ['error parsing JSON'] });
}

/** The request's namespace (X-Vault-Namespace, without slashes), '' for the root namespace. */
export function namespaceOf(req: EmulatorRequest): string {
  const h = req.headers['x-vault-namespace'];
  return (Array.isArray(h) ? h[0] : h)?.replace(/^\/+|\/+$/g, '') ?? '';
}

/** The request's token (X-Vault-Token, or a Bearer Authorization). */
export function tokenOf(req: EmulatorRequest): string | undefined {
  const h = req.headers['x-vault-token'];
  const t = Array.isArray(h) ? h[0] : h;
  if (t) return t;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

/** A 400 with Vault's error list. */
export const badRequest = (message: string) => new HttpError(400, { errors: [message] });

/** The routes Vault answers for both PUT and POST. */
export const WRITE_METHODS = ['PUT', 'POST'] as const;
