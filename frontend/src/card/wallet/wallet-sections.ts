// What the Card tab shows below the points, loaded after the card's first paint (its own chunk, precached
// for offline use by the service worker) so that the card's QR code stays within the page's budget.
export { CodeView } from './code-view.js';
export { CouponList } from './coupon-list.js';
export { GiftCertificateList } from './gift-certificate-list.js';
