// The fonts printed documents embed. PDF's built-in Helvetica has no Cyrillic (and only a code page of
// Latin), so a Russian or Romanian document needs a real font: DejaVu Sans, which covers Latin with every
// Romanian diacritic (ș ț ă â î), Cyrillic and the currency signs. It comes from the operating system
// (Debian's fonts-dejavu-core, which the project's scripts install when missing), read once per process.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type DocumentFonts = {
  /** DejaVu Sans: labels, terms. */
  regular: Buffer;
  /** DejaVu Sans Bold: merchant, title, value. */
  bold: Buffer;
  /** DejaVu Sans Mono Bold: the code in clear, whose characters must not be confused. */
  mono: Buffer;
};

const FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', mono: 'DejaVuSansMono-Bold.ttf' };

/** Where the systems we run on put DejaVu: Debian and Ubuntu, Fedora and RHEL, Alpine and Arch. */
export const FONT_DIRECTORIES = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu-sans-fonts',
  '/usr/share/fonts/dejavu-sans-mono-fonts',
  '/usr/share/fonts/dejavu',
  '/usr/share/fonts/TTF',
];

/** The Debian package the project's scripts install (scripts/regulars.mjs, .ci/run). */
export const FONT_PACKAGE = 'fonts-dejavu-core';

/** Documents cannot be rendered: the fonts are not installed. Names what to install. */
export class MissingFontError extends Error {
  constructor(file: string) {
    super(
      `The font ${file} was not found in ${FONT_DIRECTORIES.join(', ')}: install it (Debian/Ubuntu: ` +
        `apt-get install ${FONT_PACKAGE}; Fedora: dnf install dejavu-sans-fonts dejavu-sans-mono-fonts; ` +
        `Alpine: apk add font-dejavu)`,
    );
  }
}

let loaded: DocumentFonts | undefined;

function find(file: string): string {
  for (const directory of FONT_DIRECTORIES) {
    const candidate = path.join(directory, file);
    if (existsSync(candidate)) return candidate;
  }
  throw new MissingFontError(file);
}

/** The fonts, read on first use; throws MissingFontError naming the package when one is missing. */
export function documentFonts(): DocumentFonts {
  loaded ??= {
    regular: readFileSync(find(FILES.regular)),
    bold: readFileSync(find(FILES.bold)),
    mono: readFileSync(find(FILES.mono)),
  };
  return loaded;
}
