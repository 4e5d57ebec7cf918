import { createI18n } from '../shared/i18n/i18n.js';
import { cardCatalogueSources, type CardMessageKey } from './card-messages.js';

export const { I18nProvider, useI18n } = createI18n<CardMessageKey>(cardCatalogueSources);
