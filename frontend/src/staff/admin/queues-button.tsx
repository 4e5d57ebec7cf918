import { useState } from 'react';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';

/** Opens the job queue dashboard in a new tab, signed in by a cookie (admins): no token in its URL. */
export function QueuesButton({ className = 'secondary' }: { className?: string }) {
  const { t } = useI18n();
  const [failed, setFailed] = useState(false);
  const open = async () => {
    setFailed(false);
    // Opened before the request, while the click still counts as the user's: popup blockers allow it.
    const tab = window.open('about:blank', '_blank');
    try {
      await staffApi.queueDashboardSession();
      if (tab) tab.location.href = '/api/admin/queues';
      else window.location.href = '/api/admin/queues';
    } catch {
      tab?.close();
      setFailed(true);
    }
  };
  return (
    <>
      <button type="button" className={className} onClick={() => void open()}>
        {t('nav.queues')}
      </button>
      {failed ? <span role="alert">{t('nav.queuesFailed')}</span> : null}
    </>
  );
}
