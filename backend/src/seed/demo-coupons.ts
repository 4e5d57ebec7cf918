import {
  CreateCouponBatchBody,
  CreateCouponTemplateBody,
  IssueGiftCertificateBody,
} from '@regulars/contracts';
import type { Services } from '../app.js';
import type { Logger } from '../platform/logger.js';
import { MemberModel } from '../modules/members/member.model.js';
import type { SeedStep } from './demo-seed.js';
import { DEMO_POS } from './demo-integration.js';

/**
 * Coupons and a gift certificate for the demo, so that `npm start` shows them everywhere they live: an
 * assigned "Welcome back" coupon in the wallets of the demo member and a few regulars (the card shows it,
 * the desk offers it), a printed flyer of bearer codes (its batch and CSV in the portal), and a €25 gift
 * certificate in the demo member's wallet. A certificate's code is shown only once: the log says it.
 */
export function demoCouponSteps(services: Services, logger: Logger): SeedStep[] {
  const system = { kind: 'anonymous' } as const;
  return [
    {
      id: 'coupons-v1',
      run: async () => {
        const welcome = await services.couponTemplates.create(
          CreateCouponTemplateBody.parse({
            name: 'Welcome back: 10% off',
            description: 'Thank you for coming back. 10% off a basket of €10 or more.',
            discount: { kind: 'percent', percent: 10 },
            conditions: { minBasketMinor: 1000 },
            validity: { type: 'relative', daysFromIssue: 60 },
            kind: 'assigned',
          }),
          system,
        );
        const phone = await services.members.normalisePhone(DEMO_POS.member.phone);
        const regulars = await MemberModel.find({}, { _id: 1, phone: 1 }).sort({ _id: 1 }).limit(5).lean();
        const demo = await MemberModel.findOne({ phone }, { _id: 1 }).lean();
        const memberIds = [...new Set([demo, ...regulars].flatMap((m) => (m ? [m._id.toHexString()] : [])))];
        if (memberIds.length > 0) await services.coupons.assign(welcome._id.toHexString(), memberIds, system);

        const flyer = await services.couponTemplates.create(
          CreateCouponTemplateBody.parse({
            name: 'Spring flyer: €3 off',
            description: '€3 off any coffee and pastry.',
            discount: { kind: 'fixed', amountMinor: 300 },
            validity: { type: 'relative', daysFromIssue: 90 },
            kind: 'bearer',
          }),
          system,
        );
        const batch = await services.coupons.createBatch(
          flyer._id.toHexString(),
          CreateCouponBatchBody.parse({ count: 50, label: 'Spring flyer, street' }),
          system,
        );
        // The seed does not wait for the workers: it generates the 50 codes itself.
        await services.coupons.runBatch(batch._id);

        if (demo) {
          const certificate = await services.giftCertificates.issue(
            IssueGiftCertificateBody.parse({
              valueMinor: 2500,
              reason: 'Demo gift certificate',
              memberId: demo._id.toHexString(),
            }),
            { principal: system, requestKey: null },
          );
          logger.info(
            { code: certificate.displayCode, member: DEMO_POS.member.name },
            'demo gift certificate (€25; its code is shown only now)',
          );
        }
      },
    },
  ];
}
