import { useState, type FormEvent } from 'react';
import {
  GIFT_CERTIFICATE_SALE_MAX,
  type Checkout,
  type CheckoutItemInput,
  type SoldGiftCertificate,
} from '@regulars/contracts';
import { formatMoney, parseMoneyToMinor } from '../../shared/format.js';
import { saveFile } from '../coupons/coupons-api.js';
import { giftCertificatesApi } from '../gift-certificates/gift-certificates-api.js';
import { maskedCode } from '../gift-certificates/gift-certificate-words.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';

/** The SKU the desk gives the gift certificates it sells (a POS uses its own gift card item). */
export const GIFT_CERTIFICATE_SKU = 'GIFT-CERTIFICATE';

/**
 * "Sell a gift certificate": its value typed in the program's currency and how many; Enter adds the line
 * (`kind: giftCertificate`) to the sale. The server issues the certificates when the sale completes.
 */
export function SellGiftCertificate({
  currency,
  isDisabled,
  onAdd,
}: {
  currency: string;
  isDisabled: boolean;
  /** Adds the line to the sale (a new checkout, or the basket of the open one). */
  onAdd(item: CheckoutItemInput): Promise<Checkout>;
}) {
  const { t } = useI18n();
  const [isOpen, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [isInvalid, setInvalid] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  if (!isOpen) {
    return (
      <button
        type="button"
        className="secondary"
        disabled={isDisabled}
        onClick={() => setOpen(true)}
        data-testid="sell-gift-certificate"
      >
        {t('desk.sellCertificate.start')}
      </button>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isBusy) return;
    const valueMinor = parseMoneyToMinor(value, currency);
    const count = Number(quantity.trim());
    if (
      valueMinor === null ||
      valueMinor < 1 ||
      !Number.isInteger(count) ||
      count < 1 ||
      count > GIFT_CERTIFICATE_SALE_MAX
    ) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    setBusy(true);
    setFailure(null);
    try {
      await onAdd({
        sku: GIFT_CERTIFICATE_SKU,
        kind: 'giftCertificate',
        quantity: count,
        unitPriceMinor: valueMinor,
      });
      setOpen(false);
      setValue('');
      setQuantity('1');
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="sell-certificate"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="sell-certificate-title"
      data-testid="sell-gift-certificate-form"
    >
      <h3 id="sell-certificate-title">{t('desk.sellCertificate.title')}</h3>
      <div className="row">
        <div className="field">
          <label htmlFor="sell-certificate-value">{t('desk.sellCertificate.value', { currency })}</label>
          <input
            id="sell-certificate-value"
            inputMode="decimal"
            autoComplete="off"
            autoFocus
            value={value}
            onChange={(event) => setValue(event.target.value)}
            aria-invalid={isInvalid || undefined}
            aria-describedby="sell-certificate-hint"
          />
        </div>
        <div className="field">
          <label htmlFor="sell-certificate-quantity">{t('desk.sellCertificate.quantity')}</label>
          <input
            id="sell-certificate-quantity"
            inputMode="numeric"
            autoComplete="off"
            value={quantity}
            onChange={(event) => setQuantity(event.target.value)}
            aria-invalid={isInvalid || undefined}
          />
        </div>
      </div>
      <p className="field-hint" id="sell-certificate-hint">
        {t('desk.sellCertificate.hint')}
      </p>
      {isInvalid ? (
        <p className="field-error" role="alert">
          {t('desk.sellCertificate.invalid')}
        </p>
      ) : null}
      {failure ? <ErrorNotice error={failure} /> : null}
      <div className="row">
        <button type="submit" disabled={isBusy || isDisabled}>
          {isBusy ? t('desk.sellCertificate.adding') : t('desk.sellCertificate.add')}
        </button>
        <button type="button" className="link" onClick={() => setOpen(false)}>
          {t('desk.sellCertificate.cancel')}
        </button>
      </div>
    </form>
  );
}

/** A basket line as the till sends it again (every line of the open sale, to add one to it). */
export function itemsOf(checkout: Checkout): CheckoutItemInput[] {
  return checkout.lines.map((line) => ({
    sku: line.sku,
    ...(line.name ? { name: line.name } : {}),
    ...(line.category ? { category: line.category } : {}),
    ...(line.kind === 'giftCertificate' ? { kind: 'giftCertificate' as const } : {}),
    quantity: line.quantity,
    unitPriceMinor: line.unitPriceMinor,
  }));
}

/**
 * The certificates a completed sale issued: each code as the PDF prints it (with its check character)
 * and a Print button for its A6 PDF — shown this once; a replayed answer names them by their last 4.
 */
export function SoldGiftCertificates({ certificates }: { certificates: readonly SoldGiftCertificate[] }) {
  const { t, language } = useI18n();
  const [printing, setPrinting] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  if (certificates.length === 0) return null;

  const print = async (certificate: SoldGiftCertificate) => {
    if (!certificate.code) return;
    setPrinting(certificate.id);
    setFailure(null);
    try {
      saveFile(
        await giftCertificatesApi.print([certificate.code], 'single', language),
        'gift-certificate.pdf',
      );
    } catch (error) {
      setFailure(error);
    } finally {
      setPrinting(null);
    }
  };

  return (
    <div className="sold-certificates" data-testid="sold-certificates">
      <h3>{t('desk.soldCertificates.title')}</h3>
      {certificates.some((c) => c.codeShown) ? (
        <p className="field-hint">{t('desk.soldCertificates.shownOnce')}</p>
      ) : null}
      <ul className="plain-list">
        {certificates.map((certificate) => {
          const value = formatMoney(certificate.valueMinor, certificate.currency, language);
          return (
            <li key={certificate.id} className="row" data-testid="sold-certificate">
              {certificate.codeShown && certificate.displayCode ? (
                <>
                  <span>
                    {t('desk.sellCertificate.line', { value })}:{' '}
                    <code className="certificate-code" data-testid="sold-certificate-code">
                      {certificate.displayCode}
                    </code>
                  </span>
                  <button
                    type="button"
                    className="secondary"
                    disabled={printing !== null}
                    onClick={() => void print(certificate)}
                  >
                    {printing === certificate.id
                      ? t('desk.soldCertificates.printing')
                      : t('desk.soldCertificates.print')}
                  </button>
                </>
              ) : (
                <span>
                  {t('desk.soldCertificates.notShown', { value, masked: maskedCode(certificate.last4) })}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {failure ? <ErrorNotice error={failure} /> : null}
    </div>
  );
}
