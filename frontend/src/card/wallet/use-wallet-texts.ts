import { useMemo } from 'react';
import { useI18n } from '../card-i18n.js';
import { walletTexts, type WalletTexts } from './wallet-messages.js';

/** The wallet's texts in the card's current language. */
export function useWalletTexts(): { t: WalletTexts; language: string } {
  const { language } = useI18n();
  return { t: useMemo(() => walletTexts(language), [language]), language };
}
