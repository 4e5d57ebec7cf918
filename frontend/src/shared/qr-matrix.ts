// The QR encoder core of the `qrcode` package, without its canvas/PNG renderers (the card draws SVG).
import { create } from 'qrcode/lib/core/qrcode.js';

type QrModules = { size: number; data: Uint8Array };

/** The dark/light modules of a QR code for `text`, row by row. */
export function qrMatrix(text: string): QrModules {
  return create(text, { errorCorrectionLevel: 'M' }).modules;
}

/** One SVG path drawing every dark module as a 1×1 square (with a quiet zone of `margin`). */
export function qrPath(modules: QrModules, margin: number): string {
  let path = '';
  for (let y = 0; y < modules.size; y += 1) {
    for (let x = 0; x < modules.size; x += 1) {
      if (modules.data[y * modules.size + x]) path += `M${x + margin} ${y + margin}h1v1h-1z`;
    }
  }
  return path;
}
