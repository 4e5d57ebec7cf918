import { forwardRef, useCallback, useState, type FormEvent } from 'react';
import type { IdentifyMemberResponse, MemberSummary } from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { Notice } from '../../shared/ui/notice.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { CameraScanner } from './camera-scanner.js';
import { EnrolDialog } from './enrol-dialog.js';
import { isInstrumentScan, isPhoneLookup } from './identify-code.js';

/** The member at the till; `isNew` when the desk has just enrolled them. */
export type Identified = IdentifyMemberResponse & { cardCode: string | null; isNew?: boolean };

/** A member enrolled at the till, as if the desk had found them by their phone: nothing earned yet. */
function enrolledAsIdentified(member: MemberSummary): Identified {
  return {
    method: 'phone',
    member: { ...member, balance: { available: 0, pending: 0 } },
    cardCode: null,
    isNew: true,
  };
}

/**
 * Who is paying: scan the QR (camera, or a USB scanner typing into the field and pressing Enter), or
 * type the phone or card number. A phone that finds nobody offers to enrol the customer there and then.
 */
export const IdentifyPanel = forwardRef<
  HTMLInputElement,
  {
    onIdentified(found: Identified): void;
    /** A coupon's or gift certificate's QR scanned before any card: a sale without a card begins with it. */
    onInstrument(code: string): void;
    /** "Sale without a card". */
    onWalkIn(): void;
  }
>(function IdentifyPanel({ onIdentified, onInstrument, onWalkIn }, inputRef) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [isScanning, setScanning] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [unknownPhone, setUnknownPhone] = useState<string | null>(null);
  const [isEnrolling, setEnrolling] = useState(false);

  const identify = useCallback(
    async (value: string) => {
      const trimmed = value.trim();
      if (isInstrumentScan(trimmed)) {
        setCode('');
        onInstrument(trimmed);
        return;
      }
      if (trimmed.replace(/\D/g, '').length < 6) {
        setInvalid(t('desk.identify.invalid'));
        return;
      }
      setInvalid(null);
      setError(null);
      setUnknownPhone(null);
      setBusy(true);
      try {
        const found = await staffApi.identify(trimmed);
        setCode('');
        onIdentified({ ...found, cardCode: found.method === 'card_code' ? trimmed : null });
      } catch (caught) {
        if (caught instanceof ApiError && caught.code === 'MEMBER_NOT_FOUND' && isPhoneLookup(trimmed))
          setUnknownPhone(trimmed);
        else setError(caught);
      } finally {
        setBusy(false);
      }
    },
    [onIdentified, onInstrument, t],
  );

  const onScanned = useCallback(
    (scanned: string) => {
      setScanning(false);
      void identify(scanned);
    },
    [identify],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void identify(code);
  };

  return (
    <section className="panel identify" aria-labelledby="identify-title">
      <h2 id="identify-title">{t('desk.identify.title')}</h2>
      <form className="identify-form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="identify-code">{t('desk.identify.label')}</label>
          <input
            id="identify-code"
            ref={inputRef}
            name="code"
            value={code}
            onChange={(event) => setCode(event.target.value)}
            autoComplete="off"
            autoFocus
            aria-invalid={invalid ? true : undefined}
            aria-describedby="identify-hint"
          />
          <p className="field-hint" id="identify-hint">
            {t('desk.identify.hint')}
          </p>
          {invalid ? <p className="field-error">{invalid}</p> : null}
        </div>
        <div className="identify-actions">
          <button type="submit" className="big" disabled={isBusy}>
            {isBusy ? t('desk.identify.finding') : t('desk.identify.find')}
          </button>
          <button
            type="button"
            className="big secondary"
            onClick={() => setScanning(true)}
            disabled={isScanning}
          >
            {t('desk.identify.scan')}
          </button>
          <button type="button" className="link" onClick={onWalkIn}>
            {t('desk.walkIn.start')}
          </button>
        </div>
      </form>
      {isScanning ? <CameraScanner onCode={onScanned} onClose={() => setScanning(false)} /> : null}
      {error ? <ErrorNotice error={error} /> : null}
      {unknownPhone ? (
        <Notice
          tone="info"
          action={
            <button type="button" onClick={() => setEnrolling(true)}>
              {t('desk.enrol.open')}
            </button>
          }
        >
          <p data-testid="unknown-phone">{t('desk.enrol.notFound', { phone: unknownPhone })}</p>
        </Notice>
      ) : null}
      {isEnrolling && unknownPhone ? (
        <EnrolDialog
          phone={unknownPhone}
          onClose={() => setEnrolling(false)}
          onEnrolled={(member) => {
            setEnrolling(false);
            setUnknownPhone(null);
            setCode('');
            onIdentified(enrolledAsIdentified(member));
          }}
        />
      ) : null}
    </section>
  );
});
