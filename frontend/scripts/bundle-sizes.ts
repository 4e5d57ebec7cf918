// Measures what each page downloads before it can run: the JavaScript and CSS its built index.html loads
// (entry, static imports, stylesheets), raw and gzipped. Run `pnpm --filter @regulars/frontend sizes`
// after a build; the e2e budget test uses `measurePage`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const frontendDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

export type AssetTotals = { raw: number; gzip: number; files: string[] };

/** Bytes of JS and CSS the page `card` or `staff` loads up front. */
export function measurePage(
  page: 'card' | 'staff',
  root = frontendDist,
): { js: AssetTotals; css: AssetTotals } {
  const html = readFileSync(path.join(root, page, 'index.html'), 'utf8');
  const urls = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
  const sum = (extension: string): AssetTotals => {
    const files = [...new Set(urls.filter((url) => url.endsWith(extension)))];
    let raw = 0;
    let gzip = 0;
    for (const url of files) {
      const content = readFileSync(path.join(root, url));
      raw += content.length;
      gzip += gzipSync(content, { level: 9 }).length;
    }
    return { raw, gzip, files };
  };
  return { js: sum('.js'), css: sum('.css') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const page of ['card', 'staff'] as const) {
    const { js, css } = measurePage(page);
    console.log(
      `${page}: JS ${kb(js.raw)} raw / ${kb(js.gzip)} gzip (${js.files.length} files), CSS ${kb(css.raw)} / ${kb(css.gzip)} gzip`,
    );
  }
}
