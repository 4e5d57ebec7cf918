import { useMemo } from 'react';
import { base32Decode, cardQrPayload, msUntilNextStep, totp } from '../../shared/totp.js';
import { qrMatrix, qrPath } from '../../shared/qr-matrix.js';
import { useI18n } from '../card-i18n.js';
import { spacedCardNumber } from '../card-format.js';
import { useNow } from '../use-now.js';

const QUIET_ZONE = 4;

/** The rotating QR code (a new TOTP every 30 s, computed on the phone) and the card number as text. */
export function CardQr({ cardNumber, cardSecret }: { cardNumber: string; cardSecret: string | null }) {
  const { t } = useI18n();
  const now = useNow(1000);
  const secret = useMemo(() => {
    try {
      return cardSecret ? base32Decode(cardSecret) : null;
    } catch {
      return null;
    }
  }, [cardSecret]);
  const payload = secret ? cardQrPayload(cardNumber, totp({ secret, timeMs: now })) : null;
  const modules = useMemo(() => (payload ? qrMatrix(payload) : null), [payload]);
  const secondsLeft = Math.ceil(msUntilNextStep(now) / 1000);
  const spaced = spacedCardNumber(cardNumber);

  return (
    <section className="card-qr" aria-labelledby="card-qr-title">
      <h2 id="card-qr-title" className="card-qr-title">
        {t('qr.instructions')}
      </h2>
      {modules && payload ? (
        <>
          <svg
            className="card-qr-code"
            role="img"
            aria-label={t('qr.label', { number: spaced })}
            viewBox={`0 0 ${modules.size + QUIET_ZONE * 2} ${modules.size + QUIET_ZONE * 2}`}
            shapeRendering="crispEdges"
            data-payload={payload}
          >
            <rect width="100%" height="100%" fill="#fff" />
            <path d={qrPath(modules, QUIET_ZONE)} fill="#000" />
          </svg>
          <div className="card-qr-timer" aria-hidden="true">
            <div className="card-qr-timer-bar" style={{ width: `${(secondsLeft / 30) * 100}%` }} />
          </div>
          <p className="card-qr-refresh">{t.plural('qr.refreshes', secondsLeft)}</p>
        </>
      ) : (
        <p className="notice notice-info">{t('qr.noSecret')}</p>
      )}
      <p className="card-number">
        <span className="card-number-label">{t('qr.cardNumber')}</span>
        <span className="card-number-value" data-testid="card-number">
          {spaced}
        </span>
      </p>
    </section>
  );
}
