import { createI18n } from '../shared/i18n/i18n.js';
import { staffCatalogues, type StaffMessageKey } from './staff-messages.js';

export const { I18nProvider, useI18n } = createI18n<StaffMessageKey>(staffCatalogues);
export type StaffT = ReturnType<typeof useI18n>['t'];
