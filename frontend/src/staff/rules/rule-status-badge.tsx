import type { RuleStatus } from '@regulars/contracts';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';

export function RuleStatusBadge({ status }: { status: RuleStatus }) {
  const { t } = useI18n();
  return <span className={`badge badge-${status}`}>{t(`rules.status.${status}` as StaffMessageKey)}</span>;
}
