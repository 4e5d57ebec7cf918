import type { RewardImageType } from '@regulars/contracts';

/**
 * The picture format the bytes are in, from their signature (a file named photo.png may hold anything):
 * JPEG starts FF D8 FF, PNG with its 8-byte signature, WebP is a RIFF container of type WEBP. Null for
 * anything else.
 */
export function sniffImageType(bytes: Uint8Array): RewardImageType | null {
  const starts = (signature: number[], at = 0) =>
    bytes.length >= at + signature.length && signature.every((byte, i) => bytes[at + i] === byte);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // "RIFF" <size> "WEBP"
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return null;
}
