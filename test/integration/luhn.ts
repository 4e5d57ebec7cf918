/** An independent Luhn check (the server's is in backend/src/modules/members/card-number.ts). */
export function isValidCardNumberForTest(value: string): boolean {
  let sum = 0;
  [...value].reverse().forEach((char, index) => {
    let digit = Number(char);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  });
  return /^\d{12}$/.test(value) && sum % 10 === 0;
}
