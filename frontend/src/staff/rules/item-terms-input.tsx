import { useEffect, useId, useState } from 'react';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { joinList, splitList } from './rule-draft.js';

type Kind = 'category' | 'sku';

// One read per kind and page: every item field of the designer offers the same terms.
const loaded = new Map<Kind, Promise<string[]>>();

function termsOf(kind: Kind): Promise<string[]> {
  let terms = loaded.get(kind);
  if (!terms) {
    terms = staffApi.catalogTerms(kind).then(
      (answer) => answer.items,
      () => {
        loaded.delete(kind);
        return [];
      },
    );
    loaded.set(kind, terms);
  }
  return terms;
}

/**
 * A comma-separated list of categories or SKUs with suggestions from what purchases have used: the list
 * completes the item being typed (after the last comma). Terms are kept in lower case, as rules match them.
 */
export function ItemTermsInput({
  kind,
  value,
  onChange,
}: {
  kind: Kind;
  value: string[] | undefined;
  onChange(next: string[] | undefined): void;
}) {
  const { t } = useI18n();
  const listId = useId();
  const [terms, setTerms] = useState<string[]>([]);
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    let isCurrent = true;
    void termsOf(kind).then((found) => isCurrent && setTerms(found));
    return () => {
      isCurrent = false;
    };
  }, [kind]);
  const shown = text !== null && sameList(splitList(text), value) ? text : joinList(value);
  const head = shown.includes(',') ? `${shown.slice(0, shown.lastIndexOf(',') + 1).trimEnd()} ` : '';
  const taken = new Set(splitList(head) ?? []);
  return (
    <label className="field">
      <span>{t(kind === 'category' ? 'rules.items.categories' : 'rules.items.skus')}</span>
      <input
        name={kind === 'category' ? 'item-categories' : 'item-skus'}
        list={listId}
        value={shown}
        autoComplete="off"
        onChange={(event) => {
          setText(event.target.value);
          onChange(splitList(event.target.value.toLowerCase()));
        }}
        onBlur={() => setText(null)}
      />
      <datalist id={listId}>
        {terms
          .filter((term) => !taken.has(term))
          .map((term) => (
            <option key={term} value={`${head}${term}`} />
          ))}
      </datalist>
    </label>
  );
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  return joinList(a?.map((item) => item.toLowerCase())) === joinList(b);
}
