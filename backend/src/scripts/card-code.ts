// `npm run -s card-code`: prints what the demo member's card shows right now, the QR payload
// `RGL1:<cardNumber>:<code>`, from CARD_NUMBER and CARD_SECRET in the environment (`source .data/demo.env`
// after `npm start`). For trying the API by hand (docs/api.md): a till reads the code off the phone.
import { formatCardPayload, totp } from '../modules/members/card-code.js';

const { CARD_NUMBER, CARD_SECRET } = process.env;
if (!CARD_NUMBER || !CARD_SECRET) {
  console.error('Set CARD_NUMBER and CARD_SECRET first: after npm start, run source .data/demo.env');
  process.exit(2);
}
process.stdout.write(`${formatCardPayload(CARD_NUMBER, totp(CARD_SECRET, Date.now()))}\n`);
