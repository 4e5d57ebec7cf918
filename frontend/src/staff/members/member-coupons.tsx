import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Coupon } from '@regulars/contracts';
import { formatDate } from '../../shared/format.js';
import { TextField } from '../../shared/ui/field.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { CouponTemplatePicker } from '../coupons/coupon-template-picker.js';
import { describeDiscount } from '../coupons/coupon-terms.js';
import { couponsApi } from '../coupons/coupons-api.js';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';

/** A member's assigned coupons, newest first, page by page; "Give a coupon" for those who may. */
export function MemberCoupons({ memberId, canGive }: { memberId: string; canGive: boolean }) {
  const { t, language } = useI18n();
  const [coupons, setCoupons] = useState<Coupon[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isGiving, setGiving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const page = await couponsApi.memberCoupons(memberId);
      setCoupons(page.items);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    }
  }, [memberId]);
  useEffect(() => {
    void load();
  }, [load]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await couponsApi.memberCoupons(memberId, { cursor });
      setCoupons((previous) => [...(previous ?? []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section className="panel" aria-labelledby="member-coupons-title">
      <div className="page-heading">
        <h2 id="member-coupons-title">{t('members.coupons.title')}</h2>
        {canGive && !isGiving ? (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setNotice(null);
              setGiving(true);
            }}
          >
            {t('members.coupons.give')}
          </button>
        ) : null}
      </div>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {isGiving ? (
        <GiveCouponForm
          memberId={memberId}
          onCancel={() => setGiving(false)}
          onGiven={(coupon) => {
            setGiving(false);
            setNotice(t('members.coupons.given', { name: coupon.label }));
            void load();
          }}
        />
      ) : null}
      {error ? <ErrorNotice error={error} onRetry={() => void load()} /> : null}
      {!coupons ? (
        error ? null : (
          <Loading label={t('common.loading')} />
        )
      ) : coupons.length === 0 ? (
        <EmptyState>{t('members.coupons.empty')}</EmptyState>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('members.coupons.coupon')}</th>
              <th scope="col">{t('members.coupons.code')}</th>
              <th scope="col">{t('members.coupons.valid')}</th>
              <th scope="col" className="num">
                {t('members.coupons.uses')}
              </th>
              <th scope="col">{t('members.coupons.status')}</th>
            </tr>
          </thead>
          <tbody>
            {coupons.map((coupon) => (
              <tr key={coupon.id}>
                <td>
                  {coupon.label}
                  <span className="field-hint">
                    {' '}
                    {describeDiscount(coupon.terms.discount, coupon.terms.currency, t, language)}
                  </span>
                </td>
                <td>
                  <code>{coupon.code}</code>
                </td>
                <td>
                  {t('members.coupons.validRange', {
                    from: formatDate(coupon.validFrom, language),
                    until: formatDate(coupon.validUntil, language),
                  })}
                </td>
                <td className="num">
                  {coupon.uses} / {coupon.maxUses}
                </td>
                <td>{t(`members.coupons.status.${coupon.status}` as StaffMessageKey)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor ? (
        <button type="button" className="secondary" onClick={() => void more()}>
          {t('common.more')}
        </button>
      ) : null}
    </section>
  );
}

/** Staff give the member one coupon of an assigned template, with an optional reason (kept in the audit). */
function GiveCouponForm({
  memberId,
  onGiven,
  onCancel,
}: {
  memberId: string;
  onGiven(coupon: Coupon): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [templateId, setTemplateId] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const giving = useSubmission<Coupon>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!templateId) {
      setProblem(t('members.coupons.templateMissing'));
      return;
    }
    setProblem(null);
    const coupon = await giving.submit((idempotencyKey) =>
      couponsApi.giveCoupon(
        memberId,
        { templateId, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        { idempotencyKey },
      ),
    );
    if (coupon) onGiven(coupon);
  };

  return (
    <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
      <CouponTemplatePicker
        label={t('members.coupons.template')}
        value={templateId}
        onChange={(id) => {
          if (!giving.isLocked) setTemplateId(id);
        }}
      />
      {problem ? <p className="field-error">{problem}</p> : null}
      <TextField
        label={t('members.coupons.reason')}
        hint={t('members.coupons.reasonHint')}
        value={reason}
        maxLength={200}
        onChange={(event) => setReason(event.target.value)}
        disabled={giving.isLocked}
      />
      {giving.state.status === 'failed' || giving.state.status === 'connectionLost' ? (
        <ErrorNotice error={giving.state.error} />
      ) : null}
      <div className="row">
        <button type="submit" disabled={giving.state.status === 'submitting'}>
          {giving.state.status === 'connectionLost' ? t('common.retry') : t('members.coupons.giveSubmit')}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={giving.isLocked}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
