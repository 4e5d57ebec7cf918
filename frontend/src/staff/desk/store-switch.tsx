import { useState } from 'react';
import { SelectField } from '../../shared/ui/field.js';
import { useSession } from '../session.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { useDeskStore } from './device-store.js';
import './desk.css';

/**
 * The header's word on where this device records sales, and the one explicit way to move it (staff bound
 * to a store always see theirs and cannot change it).
 */
export function DeskStoreSwitch() {
  const { t } = useI18n();
  const { store, canChange } = useDeskStore();
  const [isChoosing, setChoosing] = useState(false);
  return (
    <span className="desk-store">
      <span data-testid="desk-store">
        {store ? t('desk.store.current', { store: store.name }) : t('desk.store.none')}
      </span>
      {canChange ? (
        <button type="button" className="secondary" onClick={() => setChoosing(true)}>
          {t('desk.store.change')}
        </button>
      ) : null}
      {isChoosing ? <StoreDialog onClose={() => setChoosing(false)} /> : null}
    </span>
  );
}

function StoreDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const { stores } = useSession();
  const { store, choose } = useDeskStore();
  const [storeId, setStoreId] = useState(store?.id ?? stores[0]?.id ?? '');
  return (
    <ConfirmDialog
      title={t('desk.store.dialogTitle')}
      confirmLabel={t('desk.store.confirm')}
      onConfirm={() => {
        if (storeId) choose(storeId);
        onClose();
      }}
      onCancel={onClose}
    >
      <p>{t('desk.store.dialogBody')}</p>
      <SelectField
        label={t('desk.store.field')}
        value={storeId}
        onChange={(event) => setStoreId(event.target.value)}
      >
        {stores.map((option) => (
          <option key={option.id} value={option.id}>
            {option.name}
          </option>
        ))}
      </SelectField>
    </ConfirmDialog>
  );
}
