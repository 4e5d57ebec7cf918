import { randomInt } from 'node:crypto';

/** Luhn check digit for a string of digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    // Double every second digit counting from the right of the final number (check digit included).
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidCardNumber(value: string): boolean {
  return /^\d{12}$/.test(value) && luhnCheckDigit(value.slice(0, 11)) === Number(value[11]);
}

/** A random 12-digit card number whose last digit is a Luhn check digit (typos are caught at the till). */
export function generateCardNumber(): string {
  let body = String(randomInt(1, 10)); // no leading zero: the number survives spreadsheets
  for (let i = 0; i < 10; i += 1) body += String(randomInt(0, 10));
  return body + String(luhnCheckDigit(body));
}
