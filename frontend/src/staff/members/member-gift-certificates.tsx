import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { CertificateTable } from '../gift-certificates/gift-certificates-screen.js';
import { giftCertificatesApi } from '../gift-certificates/gift-certificates-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';

/** The gift certificates in a member's wallet (issued to them or claimed by them), newest first. */
export function MemberGiftCertificates({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const certificates = useLoad(async () => (await giftCertificatesApi.list({ memberId })).items, memberId);
  return (
    <section className="panel" aria-labelledby="member-gift-title">
      <h2 id="member-gift-title">{t('members.giftCertificates.title')}</h2>
      {certificates.error ? (
        <ErrorNotice error={certificates.error} onRetry={certificates.reload} />
      ) : !certificates.data ? (
        <Loading label={t('common.loading')} />
      ) : certificates.data.length === 0 ? (
        <EmptyState>{t('members.giftCertificates.empty')}</EmptyState>
      ) : (
        <CertificateTable certificates={certificates.data} />
      )}
    </section>
  );
}
