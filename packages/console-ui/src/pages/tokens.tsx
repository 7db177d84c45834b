import { useState } from 'preact/hooks';
import { rpc } from '../api';
import type { CreateJoinTokenRequest, JoinToken } from '../api-types';
import { agentCommandLine } from '../lib/agent-cmd';
import { formatUnix, parseTtl } from '../lib/duration';
import { idProto } from '../lib/ids';
import { ErrorAlert } from '../ui/alert';
import { TextField } from '../ui/field';
import { useAction } from '../ui/use-action';

/** The default join token TTL, as `spire-server token generate` has it (seconds). */
export const DEFAULT_TOKEN_TTL = 600;

/** Generates a join token and shows it once, with the agent command line. */
export function TokensPage() {
  const [spiffeId, setSpiffeId] = useState('');
  const [ttl, setTtl] = useState(String(DEFAULT_TOKEN_TTL));
  const [token, setToken] = useState<JoinToken | null>(null);
  const [copied, setCopied] = useState('');
  const act = useAction();
  const generate = (e: Event) => {
    e.preventDefault();
    setToken(null);
    setCopied('');
    void act.run(async () => {
      const req: CreateJoinTokenRequest = { ttl: parseTtl(ttl, 'TTL', DEFAULT_TOKEN_TTL) };
      if (spiffeId.trim()) req.agent_id = idProto(spiffeId);
      setToken(await rpc('agent/CreateJoinToken', req));
    });
  };
  const cmd = token ? agentCommandLine(token.value) : '';
  return (
    <div data-testid="page-tokens">
      <h1>Join tokens</h1>
      <form class="card" aria-label="Generate a join token" onSubmit={generate} noValidate>
        <div class="grid">
          <TextField label="SPIFFE ID" value={spiffeId} onValue={setSpiffeId} help="Optional: an ID for the agent, as -spiffeID of token generate." />
          <TextField label="TTL" value={ttl} onValue={setTtl} help="Seconds or a duration such as 10m." />
        </div>
        <div class="actions">
          <button type="submit" class="primary" data-testid="token-generate" disabled={act.busy}>
            Generate token
          </button>
        </div>
        <ErrorAlert message={act.error} />
      </form>
      {token && (
        <section class="card" aria-live="polite">
          <h2 id="tok-h">New join token</h2>
          <p>It is shown only now: copy it before leaving this page.</p>
          <p>
            <code class="token" data-testid="token-value">
              {token.value}
            </code>
          </p>
          <p>Expires {formatUnix(token.expires_at)}.</p>
          <p>Start an agent with it:</p>
          <pre data-testid="token-command">{cmd}</pre>
          <div class="actions">
            <button
              type="button"
              onClick={() =>
                navigator.clipboard.writeText(cmd).then(
                  () => setCopied('Command line copied.'),
                  () => setCopied('Copying failed: select the text and copy it.'),
                )
              }
            >
              Copy command line
            </button>
            <span role="status">{copied}</span>
          </div>
        </section>
      )}
    </div>
  );
}
