// Draws the card's app icons (a stamp: a light ring on the brand colour) as PNG files without any image
// library: raw RGBA pixels, zlib, and the few PNG chunks a browser needs; and /favicon.ico, the same stamp
// at 16, 32 and 48 px as PNG images inside an ICO directory. Run once; the output is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BRAND = [0x1f, 0x4e, 0x79];
const LIGHT = [0xff, 0xf4, 0xd6];

function crc32(buffer) {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function icon(size, { maskable }) {
  const rows = [];
  const c = size / 2;
  // Maskable icons keep their drawing inside the 80 % safe zone.
  const scale = maskable ? 0.8 : 1;
  const outer = (size / 2) * 0.72 * scale;
  const inner = outer * 0.72;
  const dot = outer * 0.28;
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x += 1) {
      const d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
      const isLight = (d <= outer && d >= inner) || d <= dot;
      const [r, g, b] = isLight ? LIGHT : BRAND;
      row.set([r, g, b, 255], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = new URL('../public/card/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', out), icon(192, { maskable: false }));
writeFileSync(new URL('icon-512.png', out), icon(512, { maskable: false }));
writeFileSync(new URL('icon-maskable-512.png', out), icon(512, { maskable: true }));
writeFileSync(new URL('apple-touch-icon.png', out), icon(180, { maskable: false }));

/** An ICO file whose images are PNGs (every browser since IE 11 reads them). */
function ico(sizes) {
  const images = sizes.map((size) => icon(size, { maskable: false }));
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map((image, index) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(sizes[index] % 256, 0);
    entry.writeUInt8(sizes[index] % 256, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(image.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += image.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images]);
}

writeFileSync(new URL('../public/favicon.ico', import.meta.url), ico([16, 32, 48]));
