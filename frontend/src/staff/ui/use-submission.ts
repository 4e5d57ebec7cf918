import { useCallback, useRef, useState } from 'react';
import { ApiError, NetworkError } from '../../shared/api/errors.js';
import { newIdempotencyKey } from '../../shared/api/idempotency.js';

export type Submission<T> =
  | { status: 'idle' }
  | { status: 'submitting' }
  /** No answer: the server may or may not have done it. Retry reuses the key, so it can never double. */
  | { status: 'connectionLost'; error: NetworkError }
  | { status: 'failed'; error: unknown }
  | { status: 'done'; result: T };

/**
 * One user attempt at a write. The Idempotency-Key is created when the attempt starts and reused by
 * every retry of it; a second click while a request is out is ignored. After a lost connection the
 * caller keeps the form locked (same body) and offers `submit` again as "retry".
 */
export function useSubmission<T>() {
  const [state, setState] = useState<Submission<T>>({ status: 'idle' });
  const keyRef = useRef<string | null>(null);
  const busyRef = useRef(false);

  const submit = useCallback(async (run: (idempotencyKey: string) => Promise<T>): Promise<T | undefined> => {
    if (busyRef.current) return undefined;
    busyRef.current = true;
    keyRef.current ??= newIdempotencyKey();
    setState({ status: 'submitting' });
    try {
      const result = await run(keyRef.current);
      keyRef.current = null;
      setState({ status: 'done', result });
      return result;
    } catch (error) {
      if (error instanceof NetworkError) setState({ status: 'connectionLost', error });
      else {
        // The server answered with a refusal: nothing was written, the next attempt is a new one.
        // (A 409 "same key still in progress" is the exception: keep the key and let the user retry.)
        if (!(error instanceof ApiError && error.code === 'IDEMPOTENCY_IN_PROGRESS')) keyRef.current = null;
        setState({ status: 'failed', error });
      }
      return undefined;
    } finally {
      busyRef.current = false;
    }
  }, []);

  const reset = useCallback(() => {
    if (busyRef.current) return;
    keyRef.current = null;
    setState({ status: 'idle' });
  }, []);

  return {
    state,
    submit,
    reset,
    isLocked: state.status === 'submitting' || state.status === 'connectionLost',
  };
}
