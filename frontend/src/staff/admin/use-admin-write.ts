import { useCallback, useRef, useState } from 'react';

/**
 * One admin write at a time: a second click while one is out is ignored, the refusal is kept for the
 * screen to show in words, and a new attempt clears it.
 */
export function useAdminWrite() {
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const busyRef = useRef(false);
  const run = useCallback(async (write: () => Promise<void>): Promise<boolean> => {
    if (busyRef.current) return false;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      await write();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { isBusy, error, run, clear };
}
