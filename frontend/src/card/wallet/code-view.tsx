import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { qrMatrix, qrPath } from '../../shared/qr-matrix.js';
import { useWalletTexts } from './use-wallet-texts.js';

const QUIET_ZONE = 4;

/** What one coupon or gift certificate shows at the till: its signed QR payload and its code in clear. */
export type ShownCode = {
  name: string;
  payload: string;
  /** What the code below the QR is: the whole code ("Code"), or its end ("Code ending in"). */
  codeLabel?: string;
  code: string;
  details: ReactNode;
};

/**
 * One coupon's or gift certificate's QR, full width so that the till's camera reads it, with its code in
 * clear below for a cashier to type. The payload is static (signed by the server), so it works offline.
 */
export function CodeView({ shown, onBack }: { shown: ShownCode; onBack(): void }) {
  const { t } = useWalletTexts();
  const modules = useMemo(() => qrMatrix(shown.payload), [shown.payload]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card-qr code-view" aria-labelledby="code-view-title" data-testid="code-view">
      <h2 id="code-view-title" ref={heading} tabIndex={-1} className="code-view-title">
        {shown.name}
      </h2>
      <p className="card-qr-title">{t('code.instructions')}</p>
      <svg
        className="card-qr-code"
        role="img"
        aria-label={t('code.label', { name: shown.name })}
        viewBox={`0 0 ${modules.size + QUIET_ZONE * 2} ${modules.size + QUIET_ZONE * 2}`}
        shapeRendering="crispEdges"
        data-payload={shown.payload}
      >
        <rect width="100%" height="100%" fill="#fff" />
        <path d={qrPath(modules, QUIET_ZONE)} fill="#000" />
      </svg>
      <p className="card-number">
        <span className="card-number-label">{shown.codeLabel ?? t('code.code')}</span>
        <span className="card-number-value code-view-code" data-testid="code-view-code">
          {shown.code}
        </span>
      </p>
      <div className="code-view-details">{shown.details}</div>
      <button type="button" className="secondary wide" onClick={onBack}>
        {t('code.back')}
      </button>
    </section>
  );
}
