import { useCallback, useEffect, useState } from 'react';

export type Loaded<T> = { data: T | null; error: unknown; isLoading: boolean; reload(): void };

/**
 * Loads `load()` on mount and whenever `key` changes; `reload` retries. Answers that arrive after the
 * component moved on (another key, unmounted) are dropped.
 */
export function useLoad<T>(load: () => Promise<T>, key: unknown = null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isLoading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let isCurrent = true;
    setLoading(true);
    setError(null);
    load()
      .then((value) => {
        if (isCurrent) setData(value);
      })
      .catch((caught: unknown) => {
        if (isCurrent) setError(caught);
      })
      .finally(() => {
        if (isCurrent) setLoading(false);
      });
    return () => {
      isCurrent = false;
    };
    // `load` is usually an inline arrow: `key` says when it means something new.
  }, [key, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, isLoading, reload };
}
