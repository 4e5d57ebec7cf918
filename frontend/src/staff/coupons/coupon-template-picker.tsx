import type { CouponTemplate } from '@regulars/contracts';
import { useLoad } from '../../shared/use-load.js';
import { COUPON_GIVER_ROLES, hasRole, useSession } from '../session.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { describeDiscount, describeValidity } from './coupon-terms.js';
import { couponsApi } from './coupons-api.js';

/** The active assigned templates: the ones a rule, or staff by hand, may issue into a member's wallet. */
export function useIssuableCouponTemplates() {
  return useLoad(
    async () => (await couponsApi.templates({ status: 'active', kind: 'assigned', limit: 100 })).items,
  );
}

type PickerProps = { value: string; onChange(id: string): void; label: string; name?: string };

/**
 * Picks a coupon template by name (the caller stores its id): its discount and validity are said under the
 * select. A template that is no longer active is not offered. Marketers, admins and managers may read the
 * templates; others (a cashier) are told so instead of being refused.
 */
export function CouponTemplatePicker(props: PickerProps) {
  const { t } = useI18n();
  const session = useSession();
  if (!hasRole(session, COUPON_GIVER_ROLES))
    return (
      <p className="field">
        <span>{props.label}</span>
        <span className="field-hint">{t('rules.effects.couponTemplateHidden')}</span>
      </p>
    );
  return <TemplateSelect {...props} />;
}

function TemplateSelect({ value, onChange, label, name }: PickerProps) {
  const { t, language } = useI18n();
  const templates = useIssuableCouponTemplates();
  if (templates.error) return <ErrorNotice error={templates.error} onRetry={templates.reload} />;
  const list: CouponTemplate[] | null = templates.data;
  const chosen = list?.find((template) => template.id === value);
  if (list && list.length === 0) return <p className="field-hint">{t('rules.effects.couponTemplateNone')}</p>;
  return (
    <label className="field">
      <span>{label}</span>
      <select
        name={name}
        value={chosen ? value : ''}
        disabled={!list}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{t('rules.effects.couponTemplatePick')}</option>
        {list?.map((template) => (
          <option key={template.id} value={template.id}>
            {template.name}
          </option>
        ))}
      </select>
      {chosen ? (
        <span className="field-hint">
          {describeDiscount(chosen.discount, chosen.currency, t, language)} ·{' '}
          {describeValidity(chosen.validity, t, language)}
        </span>
      ) : null}
    </label>
  );
}
