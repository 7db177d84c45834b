import { useCallback, useRef, useState } from 'preact/hooks';
import { errorText } from '../api';

/** Busy flag, error message and a runner that records the error of a failed action. */
export function useAction(): {
  busy: boolean;
  error: string;
  setError: (m: string) => void;
  run: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const live = useRef(0);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    const n = ++live.current;
    setBusy(true);
    setError('');
    try {
      return await fn();
    } catch (err) {
      if (n === live.current) setError(errorText(err));
      return undefined;
    } finally {
      if (n === live.current) setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
