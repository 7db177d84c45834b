import { useRef, useState } from 'preact/hooks';
import { parseEntries, rpc } from '../api';
import { runImport, type ImportProgress } from '../lib/import';
import { ErrorAlert } from '../ui/alert';
import { useAction } from '../ui/use-action';

/** Result rows rendered (failures first); a large import would otherwise make a huge table. */
const RESULT_ROWS = 500;

/** Bulk import of an `entry create -data` file: parsed by the server, created in chunks of 50. */
export function EntryImport({ onDone }: { onDone: () => void }) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [phase, setPhase] = useState('');
  const act = useAction();
  const start = (e: Event) => {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) {
      act.setError('Choose a file to import first.');
      return;
    }
    setProgress(null);
    void act.run(async () => {
      setPhase(`Reading ${file.name}…`);
      const { entries } = await parseEntries(await file.text());
      setPhase(`Creating ${entries.length} entries…`);
      setProgress({ done: 0, total: entries.length, results: [] });
      const end = await runImport(entries, (batch) => rpc('entry/BatchCreateEntry', { entries: batch }), setProgress);
      const failed = end.results.filter((r) => !r.ok).length;
      setPhase(`Done: ${end.results.length - failed} created, ${failed} failed.`);
      onDone();
    }).then(() => undefined, () => undefined);
  };
  const all = progress ? [...progress.results].sort((a, b) => Number(a.ok) - Number(b.ok) || a.index - b.index) : [];
  const failedFirst = all.slice(0, RESULT_ROWS);
  return (
    <section class="card">
      <h2 id="imp-h">Bulk import</h2>
      <p class="muted">A JSON file in the format of <code>spire-server entry create -data</code>.</p>
      <form class="actions" onSubmit={start}>
        <label for="import-file">Entries file</label>
        <input id="import-file" type="file" accept=".json,application/json" ref={fileRef} />
        <button type="submit" class="primary" data-testid="entry-import" disabled={act.busy}>
          Import
        </button>
      </form>
      <ErrorAlert message={act.error} />
      <div aria-live="polite" data-testid="import-status">
        {phase && <p>{phase}</p>}
        {progress && (
          <p>
            <progress max={progress.total || 1} value={progress.done} aria-label="Import progress" /> {progress.done} of {progress.total}
          </p>
        )}
      </div>
      {all.length > RESULT_ROWS && <p class="muted">Showing the first {RESULT_ROWS} of {all.length} results, failures first.</p>}
      {failedFirst.length > 0 && (
        <table>
          <caption class="sr-only">Result per entry</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">SPIFFE ID</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {failedFirst.map((r) => (
              <tr key={r.index} data-testid="import-result">
                <td>{r.index + 1}</td>
                <td class="wrap">{r.spiffeId}</td>
                <td class={r.ok ? 'ok' : 'bad'}>{r.ok ? `created ${r.detail}` : r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
