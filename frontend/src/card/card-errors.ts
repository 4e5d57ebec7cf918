// Server refusals in the member's language: the error catalogue (shared/errors) is its own chunk, fetched
// the first time the card shows an error (precached for offline use), so that it costs the card's first
// download nothing.
import { useEffect, useState } from 'react';
import { ApiError } from '../shared/api/errors.js';
import { readCachedCard } from './card-cache.js';
import { useI18n } from './card-i18n.js';

/** The sentence for `error` when it is a refusal of the server (null for anything else, or none). */
export function useErrorText(error: unknown): string | null {
  const { t, language } = useI18n();
  const [text, setText] = useState<{ error: unknown; text: string } | null>(null);
  useEffect(() => {
    if (!(error instanceof ApiError)) return;
    let isCurrent = true;
    const fallback = t('app.error.withCode', { code: error.code });
    import('../shared/errors/error-texts.js').then(
      ({ errorText }) => {
        const currency = readCachedCard()?.program?.currency ?? null;
        if (isCurrent) setText({ error, text: errorText(error, language, { currency }) ?? fallback });
      },
      () => {
        if (isCurrent) setText({ error, text: fallback });
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [error, language, t]);
  if (!(error instanceof ApiError)) return null;
  return text?.error === error ? text.text : null;
}
