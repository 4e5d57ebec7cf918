import type { SecretRevealWords } from '../ui/secret-reveal.js';

/** The words of a webhook's signing secret, shown once. */
export const WEBHOOK_SECRET_WORDS: SecretRevealWords = {
  once: 'webhooks.secret.once',
  label: 'webhooks.secret.label',
  copy: 'webhooks.secret.copy',
  copied: 'webhooks.secret.copied',
  copyFailed: 'webhooks.secret.copyFailed',
  done: 'webhooks.secret.done',
};
