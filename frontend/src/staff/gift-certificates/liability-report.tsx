import { formatDateTime, formatMoney, formatPoints } from '../../shared/format.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { giftCertificatesApi } from './gift-certificates-api.js';

/** What certificates still hold (the merchant owes it) by the age of their issue, and the money through them. */
export function LiabilityReport() {
  const { t, language } = useI18n();
  const report = useLoad(() => giftCertificatesApi.liability());
  return (
    <section className="panel" aria-labelledby="gift-liability-title">
      <h2 id="gift-liability-title">{t('gift.liability.title')}</h2>
      <p>{t('gift.liability.intro')}</p>
      {report.error ? (
        <ErrorNotice error={report.error} onRetry={report.reload} />
      ) : !report.data ? (
        <Loading label={t('common.loading')} />
      ) : report.data.currencies.length === 0 ? (
        <EmptyState>{t('gift.liability.empty')}</EmptyState>
      ) : (
        <>
          <p className="field-hint">
            {t('gift.liability.asOf', { date: formatDateTime(report.data.asOf, language) })}
          </p>
          {report.data.currencies.map((row) => {
            const money = (minor: number) => formatMoney(minor, row.currency, language);
            return (
              <table key={row.currency} aria-label={t('gift.liability.tableOf', { currency: row.currency })}>
                <tbody>
                  <tr>
                    <th scope="row">{t('gift.liability.outstanding')}</th>
                    <td className="num" data-testid={`liability-outstanding-${row.currency}`}>
                      {money(row.outstandingMinor)}
                    </td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.age0To90')}</th>
                    <td className="num">{money(row.outstandingByAge.days0To90)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.age91To180')}</th>
                    <td className="num">{money(row.outstandingByAge.days91To180)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.age181To365')}</th>
                    <td className="num">{money(row.outstandingByAge.days181To365)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.ageOver365')}</th>
                    <td className="num">{money(row.outstandingByAge.over365)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.certificates')}</th>
                    <td className="num">{formatPoints(row.certificates, language)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.issued')}</th>
                    <td className="num">{money(row.issuedMinor)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.reloaded')}</th>
                    <td className="num">{money(row.reloadedMinor)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.redeemed')}</th>
                    <td className="num">{money(row.redeemedMinor)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.refunded')}</th>
                    <td className="num">{money(row.refundedMinor)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.expired')}</th>
                    <td className="num">{money(row.expiredMinor)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.adjusted')}</th>
                    <td className="num">{money(row.adjustedMinor)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('gift.liability.voided')}</th>
                    <td className="num">{money(row.voidedMinor)}</td>
                  </tr>
                </tbody>
              </table>
            );
          })}
        </>
      )}
    </section>
  );
}
