/** "123456789012" → "1234 5678 9012", easier to read out and type. */
export function spacedCardNumber(cardNumber: string): string {
  return cardNumber.replace(/(\d{4})(?=\d)/g, '$1 ');
}
