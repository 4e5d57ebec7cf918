// The card's device id: random, kept in this browser's storage, sent with a referral so that a friend
// joining on the referrer's own phone is noticed (a fraud signal a manager reviews, never a silent block).
const KEY = 'regulars.card.device';

export function deviceId(): string {
  const known = localStorage.getItem(KEY);
  if (known) return known;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const made = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  localStorage.setItem(KEY, made);
  return made;
}
